"""Who may change or delete which database: template.yml's policies and `bootstrap iam-policy`'s, resolved
for sample stacks and decided by the IAM evaluator (Tests/support/iam/evaluator.py, AWS's documented semantics).
restore-from-snapshot's own role may change no database at all: it may only update its stack with
StackUpdateRole, CloudFormation's service role. With that role, the staging database this stack created may
be replaced; production's cluster and each of its instances, another stack's database, and a database
tagged by hand may not; and the mark that grants it is one no principal can put on a database."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support" / "iam"))
import evaluator  # noqa: E402
from evaluator import ALLOW, DENY, decide, tag_context  # noqa: E402
from test_templates import ACCOUNT, SAMPLE_STACKS, Stack, load, stack_id, TEMPLATE  # noqa: E402

STACK = "staging-refresh-dev"
MARK = "aws:cloudformation:stack-id"
OURS = {MARK: stack_id(STACK), "aws:cloudformation:stack-name": STACK, "staging-refresh:stack": STACK}
OTHER_STACK = {MARK: stack_id("billing-staging", "0c1d2e3f-4a5b-11ef-8c9d-0a1b2c3d4e5f"),
               "aws:cloudformation:stack-name": "billing-staging", "staging-refresh:stack": "billing-staging"}
# The attack a review found: the role tags production with the tag that used to grant deletion.
SELF_TAGGED = {"staging-refresh:stack": STACK, "team": "payments"}
PRODUCTION = {"team": "payments"}


def rds(resource):
    return f"arn:aws:rds:us-east-1:{ACCOUNT}:{resource}"


def changes(cluster):
    return (["rds:ModifyDBCluster", "rds:EnableHttpEndpoint", "rds:DeleteDBCluster"] if cluster else []) + \
        ["rds:ModifyDBInstance", "rds:RebootDBInstance", "rds:DeleteDBInstance"]


def targets(cluster, name):
    """(action, ARN) of every change on a database called `name` (its cluster and two instances)."""
    instances = [f"db:{name}-instance-1", f"db:{name}-instance-2"] if cluster else [f"db:{name}"]
    found = []
    for action in changes(cluster):
        kinds = [f"cluster:{name}"] if "Cluster" in action or action == "rds:EnableHttpEndpoint" else instances
        found += [(action, rds(kind)) for kind in kinds]
    return found


@pytest.fixture(scope="module")
def template():
    return load(TEMPLATE)


def template_policies(template, sample, role):
    stack = Stack(template, SAMPLE_STACKS[sample], stack_name=STACK)
    return [document for _, document in stack.policies(role)], stack


def iam_policy(stack, handler):
    from harness.build import binary

    environment = {"RESTORE_MODE": stack.values["RestoreMode"], "STACK_NAME": STACK, "ENGINE": stack.values["Engine"],
                   "PARAMETER_PREFIX": stack.values["ParameterPrefix"], "STACK_ROLE_ARN": stack.role_arn("StackUpdateRole"),
                   ("SOURCE_DB_CLUSTER_IDENTIFIER" if stack.values["SourceKind"] == "cluster" else "SOURCE_DB_INSTANCE_IDENTIFIER"):
                       stack.values["SourceDBIdentifier"]}
    result = subprocess.run([str(binary("bootstrap")), "iam-policy", handler, "--account", ACCOUNT],
                            env={"PATH": os.environ["PATH"], "AWS_REGION": "us-east-1", **environment},
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return [json.loads(result.stdout)]


STACK_MODE_SAMPLES = ["defaults", "rds postgres, stack"]
# template.yml's role, and the `bootstrap iam-policy` name that prints the same policy.
POLICY_NAMES = {"StackUpdateRole": "stack-update-role", "RestoreFromSnapshotRole": "restore-from-snapshot"}


def policies_from(template, sample, role, source):
    """(policies, stack): the role's as template.yml resolves them, or as `bootstrap iam-policy` prints them."""
    policies, stack = template_policies(template, sample, role)
    return (iam_policy(stack, POLICY_NAMES[role]) if source == "bootstrap iam-policy" else policies), stack


@pytest.mark.parametrize("sample", STACK_MODE_SAMPLES)
@pytest.mark.parametrize("source", ["template.yml", "bootstrap iam-policy"])
def test_only_the_database_this_stack_created_can_be_changed_or_deleted(template, sample, source):
    policies, stack = policies_from(template, sample, "StackUpdateRole", source)
    cluster = stack.values["SourceKind"] == "cluster"
    production = stack.values["SourceDBIdentifier"]
    verdicts = {}
    for label, name, tags in (("staging", "staging-refresh-dev-stagingdb-1x2y3z", OURS),
                              ("production", production, PRODUCTION),
                              ("production tagged by the role", production, SELF_TAGGED),
                              ("another stack's staging", "billing-staging-stagingdb-9q8w", OTHER_STACK),
                              ("untagged", "scratch", {})):
        for action, arn in targets(cluster, name):
            verdicts[(label, action, arn)] = decide(policies, action, arn, tag_context(tags))
    allowed = {key for key, verdict in verdicts.items() if verdict == ALLOW}
    assert {key for key in allowed if key[0] != "staging"} == set(), sorted(allowed)
    assert all(verdicts[key] == ALLOW for key in verdicts if key[0] == "staging"), \
        sorted(key for key in verdicts if key[0] == "staging" and verdicts[key] != ALLOW)
    # Refused by an explicit Deny, not only for want of an Allow: no other policy on the role can undo it.
    assert all(verdicts[key] == DENY for key in verdicts if key[0] != "staging")


@pytest.mark.parametrize("sample", STACK_MODE_SAMPLES)
@pytest.mark.parametrize("role", ["StackUpdateRole", "RestoreFromSnapshotRole"])
def test_the_source_is_denied_every_write_by_name_too(template, sample, role):
    policies, stack = template_policies(template, sample, role)
    kind = "cluster" if stack.values["SourceKind"] == "cluster" else "db"
    source = rds(f"{kind}:{stack.values['SourceDBIdentifier']}")
    for action in ["rds:AddTagsToResource", "rds:CreateDBInstance"] + changes(kind == "cluster"):
        assert decide(policies, action, source, tag_context(OURS)) == DENY, action


@pytest.mark.parametrize("sample", STACK_MODE_SAMPLES)
@pytest.mark.parametrize("source", ["template.yml", "bootstrap iam-policy"])
def test_the_function_itself_changes_no_database_and_updates_its_stack_only_with_the_service_role(template, sample, source):
    policies, stack = policies_from(template, sample, "RestoreFromSnapshotRole", source)
    cluster = stack.values["SourceKind"] == "cluster"
    for tags in (OURS, PRODUCTION, SELF_TAGGED, {}):
        for action, arn in targets(cluster, "staging-refresh-dev-stagingdb-1x2y3z") + [("rds:AddTagsToResource", rds("db:prod-db-instance-1"))]:
            assert decide(policies, action, arn, tag_context(tags, {"staging-refresh:stack": STACK})) != ALLOW, (action, tags)
    stack_arn = stack_id(STACK)
    role = stack.role_arn("StackUpdateRole")
    assert decide(policies, "cloudformation:UpdateStack", stack_arn, {"cloudformation:RoleArn": role}) == ALLOW
    assert decide(policies, "cloudformation:UpdateStack", stack_arn, {}) != ALLOW  # its own credentials: no
    assert decide(policies, "cloudformation:UpdateStack", stack_arn, {"cloudformation:RoleArn": role + "-other"}) != ALLOW
    assert decide(policies, "cloudformation:UpdateStack", stack_id("billing-staging"), {"cloudformation:RoleArn": role}) != ALLOW
    assert decide(policies, "iam:PassRole", role, {"iam:PassedToService": "cloudformation.amazonaws.com"}) == ALLOW
    assert decide(policies, "iam:PassRole", role, {"iam:PassedToService": "lambda.amazonaws.com"}) != ALLOW


def test_the_data_api_reaches_only_the_cluster_this_stack_created(template):
    policies, _ = template_policies(template, "aurora-postgresql, everything set", "SchemaMigrationRole")
    for action in ("rds-data:ExecuteStatement", "rds-data:BeginTransaction", "rds-data:CommitTransaction"):
        assert decide(policies, action, rds("cluster:staging-refresh-dev-stagingdb-1x2y3z"), tag_context(OURS)) == ALLOW
        for tags in (PRODUCTION, SELF_TAGGED, OTHER_STACK, {}):
            assert decide(policies, action, rds("cluster:prod-db"), tag_context(tags)) != ALLOW, (action, tags)


@pytest.mark.parametrize("sample", STACK_MODE_SAMPLES)
def test_the_granting_mark_cannot_be_put_on_a_database(template, sample):
    policies, stack = template_policies(template, sample, "StackUpdateRole")
    # Every statement that allows a change or a deletion conditions on CloudFormation's aws: tag, and
    # on nothing a principal could set.
    granting = [s for document in policies for s in document["Statement"] if s["Effect"] == "Allow"
                and set(evaluator._as_list(s["Action"])) & set(changes(True))]
    assert granting
    for statement in granting:
        keys = [key for block in statement["Condition"].values() for key in block]
        assert keys == [f"aws:ResourceTag/{MARK}"], statement
    # AWS refuses that tag from every principal, whatever a policy allows, and the role may not
    # remove tags from any database (so not the mark from the staging one either).
    assert evaluator.tagging_refused_by_aws([MARK])
    for arn, tags in ((rds("cluster:prod-db"), PRODUCTION), (rds("db:prod-db-instance-1"), PRODUCTION),
                      (rds("db:staging-refresh-dev-stagingdb-1x2y3z"), OURS)):
        assert decide(policies, "rds:RemoveTagsFromResource", arn, tag_context(tags)) != ALLOW


# ---------------------------------------------------------------- the staging DB's own master secret

UUID = stack_id(STACK).rsplit("/", 1)[1]
OTHER_UUID = OTHER_STACK[MARK].rsplit("/", 1)[1]


def secret(kind, primary_arn, owner="rds"):
    """(ARN, request context) of a secret RDS manages for the DB `primary_arn`: RDS names it rds!<kind>-…
    and tags it with aws: keys (AmazonRDSServiceRolePolicy: aws:rds:primaryDBClusterArn/InstanceArn,
    aws:secretsmanager:owningService)."""
    arn = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:rds!{kind}-6d1c9a42-1b2c-4d5e-8f90-a1b2c3d4e5f6-Xy12Zq"
    key = "aws:rds:primaryDBClusterArn" if kind == "cluster" else "aws:rds:primaryDBInstanceArn"
    tags = {"aws:secretsmanager:owningService": owner, key: primary_arn}
    return arn, {**{f"secretsmanager:ResourceTag/{k}": v for k, v in tags.items()}, **tag_context(tags)}


def test_migrations_read_only_the_secret_of_a_cluster_this_stack_named(template):
    policies, stack = template_policies(template, "defaults", "SchemaMigrationRole")
    assert stack.values["DatabaseSecretArn"] == ""
    allowed = [("this stack's staging cluster", secret("cluster", rds(f"cluster:sr-{UUID}-3f9a0c1d2b4e"))),
               ("an earlier refresh's", secret("cluster", rds(f"cluster:sr-{UUID}-0a1b2c3d4e5f")))]
    refused = [("production's", secret("cluster", rds("cluster:prod-db"))),
               ("another stack's staging cluster", secret("cluster", rds(f"cluster:sr-{OTHER_UUID}-3f9a0c1d2b4e"))),
               ("a prefix look-alike", secret("cluster", rds(f"cluster:sr-{UUID[:8]}-3f9a0c1d2b4e"))),
               ("a secret not RDS's", secret("cluster", rds(f"cluster:sr-{UUID}-3f9a0c1d2b4e"), owner="")),
               ("production's instance", secret("db", rds("db:prod-db-instance-1")))]
    for label, (arn, context) in allowed:
        assert decide(policies, "secretsmanager:GetSecretValue", arn, context) == ALLOW, label
    for label, (arn, context) in refused:
        assert decide(policies, "secretsmanager:GetSecretValue", arn, context) != ALLOW, label
    # The mark is RDS's: AWS refuses aws: tag keys from every principal.
    assert evaluator.tagging_refused_by_aws(["aws:rds:primaryDBClusterArn", "aws:secretsmanager:owningService"])


def test_an_override_secret_is_the_only_one_migrations_read(template):
    policies, stack = template_policies(template, "aurora-postgresql, everything set", "SchemaMigrationRole")
    override = stack.values["DatabaseSecretArn"]
    assert decide(policies, "secretsmanager:GetSecretValue", override, {}) == ALLOW
    arn, context = secret("cluster", rds(f"cluster:sr-{UUID}-3f9a0c1d2b4e"))
    assert decide(policies, "secretsmanager:GetSecretValue", arn, context) != ALLOW


@pytest.mark.parametrize("sample", STACK_MODE_SAMPLES)
def test_the_stack_restores_only_under_its_own_names(template, sample):
    policies, stack = template_policies(template, sample, "StackUpdateRole")
    cluster = stack.values["SourceKind"] == "cluster"
    action = "rds:RestoreDBClusterFromSnapshot" if cluster else "rds:RestoreDBInstanceFromDBSnapshot"
    kind = "cluster" if cluster else "db"
    request = tag_context(None, {"staging-refresh:stack": STACK})
    assert decide(policies, action, rds(f"{kind}:sr-{UUID}-3f9a0c1d2b4e"), request) == ALLOW
    for name in (f"sr-{OTHER_UUID}-3f9a0c1d2b4e", "prod-db-copy", f"{STACK}-stagingcluster-1x2y3z"):
        assert decide(policies, action, rds(f"{kind}:{name}"), request) != ALLOW, name
    # RDS creates the new DB's secret with this role's permissions, under RDS's names only.
    secret_kind = "cluster" if cluster else "db"
    name = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:rds!{secret_kind}-6d1c9a42"
    assert decide(policies, "secretsmanager:CreateSecret", name, {}) == ALLOW
    assert decide(policies, "secretsmanager:CreateSecret", f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:prod-db-password", {}) != ALLOW
    assert decide(policies, "secretsmanager:GetSecretValue", name, {}) != ALLOW


def test_expire_clones_deletes_only_what_cloudformation_made_under_a_clone_stack_of_its_prefix(template):
    policies, _ = template_policies(template, "defaults", "ExpireClonesRole")
    ours = {"aws:cloudformation:stack-name": "staging-refresh-clone-alice", "staging-refresh:clones-of": "staging-refresh"}
    for action in ("rds:DeleteDBCluster", "rds:ModifyDBCluster"):
        assert decide(policies, action, rds("cluster:staging-refresh-clone-alice"), tag_context(ours)) == ALLOW
        refused = [(rds("cluster:prod-db"), PRODUCTION), (rds("cluster:prod-db"), {**PRODUCTION, **{"staging-refresh:clones-of": "staging-refresh"}}),
                   (rds("cluster:staging-refresh-clone-alice"), {"staging-refresh:clones-of": "staging-refresh"}),  # made by hand, not by CloudFormation
                   (rds("cluster:billing-clone-bob"), {"aws:cloudformation:stack-name": "billing-clone-bob"}),
                   (rds(f"cluster:sr-{UUID}-3f9a0c1d2b4e"), OURS)]
        for arn, tags in refused:
            assert decide(policies, action, arn, tag_context(tags)) != ALLOW, (action, arn, tags)
    # Creating needs this prefix's tag in the request and a clone's name.
    request = tag_context(None, {"staging-refresh:clones-of": "staging-refresh"})
    assert decide(policies, "rds:RestoreDBClusterToPointInTime", rds("cluster:staging-refresh-clone-alice"), request) == ALLOW
    assert decide(policies, "rds:RestoreDBClusterToPointInTime", rds("cluster:anything-else"), request) != ALLOW
    assert decide(policies, "rds:RestoreDBClusterToPointInTime", rds("cluster:staging-refresh-clone-alice"),
                  tag_context(None, {"staging-refresh:clones-of": "billing"})) != ALLOW
    assert decide(policies, "cloudformation:DeleteStack", stack_id("staging-refresh"), {}) != ALLOW
    assert decide(policies, "cloudformation:DeleteStack", stack_id("staging-refresh-clone-alice"), {}) == ALLOW
