"""RDS snapshots in moto for the snapshot-choice wire tests.

build_cluster_scenario(moto) creates ~180 cluster and instance snapshots in two accounts, then gives them
the statuses, engine versions, types and creation times real ones have, through moto_extensions.py's
control call (set_snapshot), since no AWS API can set those. The winners are designed (the constants
below) and written out in the tests; which snapshot wins for which settings is the Swift unit tests'
(SnapshotSelectionTests), these only need the handler to see every page, both accounts and the types.
"""
import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

from .moto_peer import PRIMARY_ACCOUNT, SECOND_ACCOUNT

CONTROL_PATH = "/moto-api/staging-refresh/rds-snapshot"  # moto_extensions.RDS_SNAPSHOT_CONTROL_PATH
PASSWORD = "not-a-secret-1"

# Every time is fixed, so the winners are known in advance; they lie before "now" like real snapshots.
BASE = datetime(2026, 9, 1, 2, 0, tzinfo=timezone.utc)
CLUSTER_STEP = timedelta(hours=15)  # 96 steps of 15 h: 60 days
INSTANCE_STEP = timedelta(hours=36)  # 40 steps of 36 h: 60 days

# Primary "prod" cluster: snapshot i is taken at BASE + i * CLUSTER_STEP. i = 92 is the newest usable one,
# and a manual snapshot taken at the same moment ties with it; the newer ones are still in progress.
CLUSTER_COUNT = 96
CLUSTER_NEWEST_USABLE = 92
CLUSTER_STATUS = {95: "creating", 94: "creating", 93: "copying", 70: "failed", 33: "failed", 12: "failed"}
CLUSTER_16 = (40, 63, 86)  # taken on 16.1 (the rest: 14.9 before i = 20, then 15.4)

# Primary "prod-db" instance: snapshot j at BASE + 1 h + j * INSTANCE_STEP; same pattern, tie on j = 38.
INSTANCE_COUNT = 40
INSTANCE_NEWEST_USABLE = 38
INSTANCE_STATUS = {39: "creating", 36: "copying", 25: "failed", 5: "failed"}
INSTANCE_16 = (30,)


def iso(moment: datetime) -> str:
    """2026-11-01T02:00:00Z: the form the control call takes and expected_choice reports."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def set_snapshot(moto, identifier: str, cluster: bool, account: str = PRIMARY_ACCOUNT, **attrs) -> dict:
    """Sets attributes of one snapshot through moto_extensions.py's control call: any of status, engine,
    engineVersion, createTime (ISO-8601 text or an aware datetime) and snapshotType ("automated" or
    "manual"). Returns the answer ({"status": "ok", "arn": ...}); raises LookupError for an unknown
    snapshot (404) and RuntimeError for any other refusal."""
    if isinstance(attrs.get("createTime"), datetime):
        attrs["createTime"] = iso(attrs["createTime"])
    body = {"account": account, "region": moto.region, "identifier": identifier, "cluster": cluster, **attrs}
    request = urllib.request.Request(moto.endpoint + CONTROL_PATH, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        message = error.read().decode(errors="replace")
        raise (LookupError if error.code == 404 else RuntimeError)(f"{error.code}: {message}") from None


# --- building ------------------------------------------------------------------------------------------

class _Builder:
    """Creates snapshots of one cluster or instance in one account and sets what the control call can."""

    def __init__(self, moto, account, cluster: bool, source: str):
        self.moto, self.account, self.cluster, self.source = moto, account, cluster, source
        self.rds = moto.client("rds", account=account)

    def create_source(self, engine, version, initial_version=None):
        if self.cluster:
            self.rds.create_db_cluster(DBClusterIdentifier=self.source, Engine=engine, EngineVersion=version,
                                       MasterUsername="admin1", MasterUserPassword=PASSWORD)
        else:
            self.rds.create_db_instance(DBInstanceIdentifier=self.source, Engine=engine, EngineVersion=version,
                                        DBInstanceClass="db.t3.micro", AllocatedStorage=20,
                                        MasterUsername="admin1", MasterUserPassword=PASSWORD)
        # moto, like RDS, takes an automated snapshot at creation, dated now. Backdated before everything
        # else, it stays in the mix without outranking the designed winners.
        for snapshot in self.list(SnapshotType="automated"):
            self.set(self.identifier_of(snapshot), createTime=BASE - timedelta(days=1),
                     engineVersion=initial_version or version)

    def identifier_of(self, snapshot):
        return snapshot["DBClusterSnapshotIdentifier" if self.cluster else "DBSnapshotIdentifier"]

    def list(self, **params):
        return _list(self.rds, self.cluster, DBClusterIdentifier=self.source, **params) if self.cluster \
            else _list(self.rds, self.cluster, DBInstanceIdentifier=self.source, **params)

    def snapshot(self, identifier, snapshot_type="manual", **attrs):
        """Creates a snapshot (the API only makes manual ones; the control call retypes it) and sets attrs."""
        if self.cluster:
            self.rds.create_db_cluster_snapshot(DBClusterIdentifier=self.source, DBClusterSnapshotIdentifier=identifier)
        else:
            self.rds.create_db_snapshot(DBInstanceIdentifier=self.source, DBSnapshotIdentifier=identifier)
        if snapshot_type != "manual":
            attrs["snapshotType"] = snapshot_type
        self.set(identifier, **attrs)
        return identifier

    def set(self, identifier, **attrs):
        set_snapshot(self.moto, identifier, self.cluster, account=self.account, **attrs)

    def share(self, identifier, with_account=PRIMARY_ACCOUNT):
        if self.cluster:
            self.rds.modify_db_cluster_snapshot_attribute(
                DBClusterSnapshotIdentifier=identifier, AttributeName="restore", ValuesToAdd=[with_account])
        else:
            self.rds.modify_db_snapshot_attribute(
                DBSnapshotIdentifier=identifier, AttributeName="restore", ValuesToAdd=[with_account])


def _history(builder, count, step, offset, newest_usable, statuses, on_16, old_version):
    """The source's own history: snapshot k at BASE + offset + k * step, automated except every
    third/fourth, which is manual; "available" unless `statuses` says otherwise; on `old_version` early,
    then 15.4, with a few on 16.1. Plus one manual snapshot tying with the newest usable one. Automated
    identifiers are AWS's "rds:<source>-<time>" ("rds-..." for instances, whose identifiers moto checks
    for a colon), which sort after "<source>-manual-..." ones, so the automated one wins the tie."""
    manual_every = 3 if builder.cluster else 4
    automated_prefix = "rds:" if builder.cluster else "rds-"
    for k in range(count):
        moment = BASE + offset + k * step
        stamp = moment.strftime("%Y-%m-%d-%H-%M")
        manual = k % manual_every == 0
        assert not (manual and k == newest_usable), "the tie below needs an automated newest snapshot"
        version = "16.1" if k in on_16 else old_version if k < count // 5 else "15.4"
        builder.snapshot(f"{builder.source}-manual-{stamp}" if manual else f"{automated_prefix}{builder.source}-{stamp}",
                         "manual" if manual else "automated", status=statuses.get(k, "available"),
                         engineVersion=version, createTime=moment)
        if k == newest_usable:
            builder.snapshot(f"{builder.source}-manual-{stamp}", createTime=moment, engineVersion=version)


def _shared(moto, cluster, source, engine, count, times, newest_time, shared_newest):
    """`source` in the second account with `count` manual snapshots, the last three shared with the
    primary account. With shared_newest the last is retimed to `newest_time`; its identifier carries no
    date, so it stays truthful either way."""
    builder = _Builder(moto, SECOND_ACCOUNT, cluster, source)
    builder.create_source(engine, "15.4")
    for k in range(count):
        moment = newest_time if shared_newest and k == count - 1 else times[k]
        identifier = builder.snapshot(f"{source}-to-staging-{k + 1}", createTime=moment)
        if k >= count - 3:
            builder.share(identifier)
    return builder


def build_cluster_scenario(moto, shared_newest: bool = False) -> dict:
    """Creates the snapshots (times, statuses and versions: the constants above) and returns
    {"cluster_snapshot_count", "instance_snapshot_count"}: every snapshot in both accounts.

    Primary account (the caller):
    - cluster "prod" (aurora-postgresql 15.4): 96 snapshots over 60 days + the tie + moto's initial one.
    - cluster "analytics" (aurora-mysql 8.0): 20 snapshots NEWER than all of prod's: a source never chosen.
    - instance "prod-db" (postgres 15.4): 40 snapshots over 60 days + the tie + moto's initial one.
    - instance "reporting-db" (mysql 8.0.35): 5 newer snapshots, never chosen.
    Second account: cluster "prod" and instance "prod-db" with 6 and 4 manual snapshots, the last three
    of each shared with the primary account, plus cluster "reporting"
    whose one snapshot, newer than anything, is shared too but is of another source. With shared_newest,
    one shared snapshot of each source is the newest usable one of that source (1 h after the tie)."""
    cluster_tie = BASE + CLUSTER_NEWEST_USABLE * CLUSTER_STEP
    instance_tie = BASE + timedelta(hours=1) + INSTANCE_NEWEST_USABLE * INSTANCE_STEP

    prod = _Builder(moto, PRIMARY_ACCOUNT, True, "prod")
    prod.create_source("aurora-postgresql", "15.4", initial_version="14.9")  # it started on 14.9
    _history(prod, CLUSTER_COUNT, CLUSTER_STEP, timedelta(0), CLUSTER_NEWEST_USABLE, CLUSTER_STATUS, CLUSTER_16, "14.9")

    analytics = _Builder(moto, PRIMARY_ACCOUNT, True, "analytics")
    analytics.create_source("aurora-mysql", "8.0")
    for k in range(20):
        moment = datetime(2026, 11, 1, tzinfo=timezone.utc) + k * timedelta(hours=6)
        analytics.snapshot(f"rds:analytics-{moment:%Y-%m-%d-%H-%M}", "automated" if k % 4 else "manual",
                           createTime=moment)

    prod_db = _Builder(moto, PRIMARY_ACCOUNT, False, "prod-db")
    prod_db.create_source("postgres", "15.4")
    _history(prod_db, INSTANCE_COUNT, INSTANCE_STEP, timedelta(hours=1), INSTANCE_NEWEST_USABLE, INSTANCE_STATUS,
             INSTANCE_16, "14.9")

    reporting_db = _Builder(moto, PRIMARY_ACCOUNT, False, "reporting-db")
    reporting_db.create_source("mysql", "8.0.35")
    for k in range(5):
        reporting_db.snapshot(f"reporting-db-manual-{k + 1}", createTime=datetime(2026, 11, 5 + k, tzinfo=timezone.utc))

    # Shared snapshots sit between the primary's own ones, 7 h off their grid, so no time repeats.
    _shared(moto, True, "prod", "aurora-postgresql", 6,
            [BASE + (60 + 6 * k) * CLUSTER_STEP + timedelta(hours=7) for k in range(6)],
            cluster_tie + timedelta(hours=1), shared_newest)
    _shared(moto, False, "prod-db", "postgres", 4,
            [BASE + (14 + 6 * k) * INSTANCE_STEP + timedelta(hours=7) for k in range(4)],
            instance_tie + timedelta(hours=1), shared_newest)
    reporting = _Builder(moto, SECOND_ACCOUNT, True, "reporting")
    reporting.create_source("aurora-postgresql", "15.4")
    reporting.share(reporting.snapshot("reporting-to-staging-1", createTime=datetime(2026, 11, 20, tzinfo=timezone.utc)))

    def count(cluster):
        return sum(len(_list(moto.client("rds", account=account), cluster)) for account in (PRIMARY_ACCOUNT, SECOND_ACCOUNT))

    return {"cluster_snapshot_count": count(True), "instance_snapshot_count": count(False)}


def _list(rds, cluster: bool, **params) -> list:
    """Every page of DescribeDBClusterSnapshots / DescribeDBSnapshots. Pages of 20 (AWS's minimum), so
    the listing crosses page boundaries as the handler's does at AWS when there are more than 100."""
    operation, key = ("describe_db_cluster_snapshots", "DBClusterSnapshots") if cluster \
        else ("describe_db_snapshots", "DBSnapshots")
    pages = rds.get_paginator(operation).paginate(**params, PaginationConfig={"PageSize": 20})
    return [snapshot for page in pages for snapshot in page[key]]
