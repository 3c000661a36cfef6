"""The awslambdaric side of `make bench`: the same echo as bootstrap's, in AWS's Python runtime."""


def handler(event, context):
    return event
