"""Local peers shared by the tests (Tests/integration) and `make run`: each starts on 127.0.0.1 on
a free port and stops when its `with` block ends."""
