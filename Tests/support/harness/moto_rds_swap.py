"""What moto 5.2.1's RDS lacks for an in-place swap (refresh-in-place), installed into the moto_server process
by moto_extensions.install(). Each patch restores what the RDS API reference says:

- PromoteReadReplica: "the DB instance ... is promoted to a standalone DB instance": it no longer has a source,
  and the source no longer lists it among its read replicas (moto keeps both links).
  https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_PromoteReadReplica.html
- ModifyDBInstance with NewDBInstanceIdentifier renames the instance, and replication follows the new name:
  its replicas report it as their ReadReplicaSourceDBInstanceIdentifier and its source lists it under
  ReadReplicaDBInstanceIdentifiers by the new name (moto updates neither side, so deleting a renamed replica
  later failed inside moto with HTTP 500, list.remove(x): x not in list).
  https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html
- ModifyDBCluster with NewDBClusterIdentifier renames the cluster with its instances still in it (moto's
  instances keep naming the old cluster, so the renamed cluster has no members).
  https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBCluster.html
- CreateDBInstanceReadReplica makes a replica that carries only the tags the request gives ("Tags: A list of
  tags"; moto copies the source, its tags included).
- Status transitions: RDS reports an instance or cluster as creating, modifying or renaming for a while before
  it is available (DBInstanceStatus, "Viewing Amazon RDS DB instance status"); moto is available at once.
  POST /moto-api/staging-refresh/rds-transitions {"describes": N} makes each new, promoted, modified or
  renamed resource pass N describe calls in its transitional status first (0, the default, turns it off).
- A crash after every change, for the reconciler's tests: with {"crashAfterEachChange": true} each RDS call
  that changes something is carried out and then answered with HTTP 400 StagingRefreshCrash, as if the
  invocation had died right after making it (no AWS behaviour: a harness control).
"""
import json

from moto.rds.models import RDSBackend

TRANSITIONS_PATH = "/moto-api/staging-refresh/rds-transitions"
_describes = [0]
_crash = [False]
CHANGES = {"AddTagsToResource", "RemoveTagsFromResource", "CreateDBInstanceReadReplica", "PromoteReadReplica", "ModifyDBInstance",
           "ModifyDBCluster", "DeleteDBInstance", "DeleteDBCluster", "RestoreDBInstanceFromDBSnapshot", "RestoreDBClusterFromSnapshot",
           "RestoreDBClusterToPointInTime", "CreateDBInstance"}
_pending = {}  # id(resource) -> [resource, describes left]

_original = {}


def _transition(resource, status):
    if _describes[0] <= 0:
        return
    resource.status = status
    _pending[id(resource)] = [resource, _describes[0]]


def _tick():
    for key, entry in list(_pending.items()):
        entry[1] -= 1
        if entry[1] < 0:
            entry[0].status = "available"
            del _pending[key]


def create_db_instance_read_replica(self, db_kwargs):
    tags = db_kwargs.get("tags") or []
    replica = _original["create_db_instance_read_replica"](self, db_kwargs)
    replica.tags = tags
    _transition(replica, "creating")
    return replica


def promote_read_replica(self, db_kwargs):
    database = self.databases[db_kwargs["db_instance_identifier"]]
    source_id = database.source_db_instance_identifier
    result = _original["promote_read_replica"](self, db_kwargs)
    if source_id:
        try:
            source = self.find_db_from_id(source_id)  # an identifier, or an ARN
        except Exception:  # noqa: BLE001 - a source already gone keeps no list
            source = None
        if source is not None and database.db_instance_identifier in source.replicas:
            source.replicas.remove(database.db_instance_identifier)
        database.source_db_instance_identifier = None
    _transition(database, "modifying")
    return result


def modify_db_instance(self, db_instance_identifier, db_kwargs):
    new = db_kwargs.get("new_db_instance_identifier")
    database = _original["modify_db_instance"](self, db_instance_identifier, db_kwargs)
    if new and new != db_instance_identifier:
        for other in self.databases.values():
            if other.source_db_instance_identifier == db_instance_identifier:
                other.source_db_instance_identifier = new
        source = self.databases.get(database.source_db_instance_identifier or "")
        if source is not None:
            source.replicas = [new if r == db_instance_identifier else r for r in source.replicas]
        _transition(database, "renaming")
    else:
        _transition(database, "modifying")
    return database


def modify_db_cluster(self, kwargs):
    old, new = kwargs["db_cluster_identifier"], kwargs.get("new_db_cluster_identifier")
    members = [db for db in self.databases.values() if getattr(db, "db_cluster_identifier", None) == old]
    cluster = _original["modify_db_cluster"](self, kwargs)
    if new and new != old:
        for db in members:
            db.db_cluster_identifier = new
        _transition(self.clusters[new], "renaming")
    return cluster


def created(name, status="creating"):
    def patched(self, *args, **kwargs):
        resource = _original[name](self, *args, **kwargs)
        _transition(resource, status)
        return resource
    return patched


def describing(name):
    def patched(self, *args, **kwargs):
        _tick()
        return _original[name](self, *args, **kwargs)
    return patched


def crashing_call_action(self):
    from moto.core.responses import BaseResponse

    result = BaseResponse.call_action(self)
    if _crash[0] and self._get_action() in CHANGES:
        body = ("<ErrorResponse><Error><Type>Sender</Type><Code>StagingRefreshCrash</Code>"
                "<Message>the harness ends the invocation after this change</Message></Error></ErrorResponse>")
        return 400, {"Content-Type": "text/xml"}, body
    return result


def transitions(request, full_url, headers):
    control = json.loads(request.get_data() or b"{}")
    _describes[0] = int(control.get("describes", 0))
    _crash[0] = bool(control.get("crashAfterEachChange", False))
    for resource, _ in _pending.values():
        resource.status = "available"
    _pending.clear()
    return 200, {"Content-Type": "application/json"}, json.dumps({"describes": _describes[0], "crashAfterEachChange": _crash[0]})


def install(url_paths):
    for name, patch in (("create_db_instance_read_replica", create_db_instance_read_replica),
                        ("promote_read_replica", promote_read_replica), ("modify_db_instance", modify_db_instance),
                        ("modify_db_cluster", modify_db_cluster),
                        ("restore_db_instance_from_db_snapshot", created("restore_db_instance_from_db_snapshot")),
                        ("restore_db_cluster_from_snapshot", created("restore_db_cluster_from_snapshot")),
                        ("restore_db_cluster_to_point_in_time", created("restore_db_cluster_to_point_in_time")),
                        ("create_db_instance", created("create_db_instance")),
                        ("describe_db_instances", describing("describe_db_instances")),
                        ("describe_db_clusters", describing("describe_db_clusters"))):
        _original[name] = getattr(RDSBackend, name)
        setattr(RDSBackend, name, patch)
    url_paths["{0}" + TRANSITIONS_PATH] = transitions
    from moto.rds.responses import RDSResponse

    RDSResponse.call_action = crashing_call_action
