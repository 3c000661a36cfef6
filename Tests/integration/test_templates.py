"""template.yml and serverless.yml, checked without deploying anything.

- cfn-lint finds no error and no warning in template.yml, in-place.yml or in any template under templates/.
- template.yml's Rules accept the sample stacks used below and refuse inconsistent input.
- parliament finds nothing in any IAM policy of template.yml, its intrinsics resolved for five
  realistic stacks (Aurora and RDS, stack and pipeline mode, optional parameters empty and set).
  The resolver refuses what it cannot resolve (an attribute, a resource's Ref), so nothing is waved
  through unresolved.
- No IAM Action has a wildcard; Resource "*" stands only beside actions that IAM cannot scope.
- The functions' environment variables are names the handlers read (Sources/Refresh/*Settings.swift).
- serverless.yml, its Serverless variables resolved, deploys what template.yml does: the same
  function names, handlers, runtime, architecture, memory, timeouts, environment, layer,
  schedules, log retention, and for each function the same IAM actions in every sample stack.
  Every other resource, the conditions and the outputs are template.yml's own.
"""
import fnmatch
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest
import yaml
from cfnlint.api import lint_file
from parliament import analyze_policy_string
from parliament.statement import get_privilege_info

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yml"
SERVERLESS = ROOT / "serverless.yml"
CODE_PARAMETERS = {"CodeS3Bucket", "CodeS3Key", "LayerS3Key"}  # Serverless uploads its artifacts itself

ACCOUNT, SOURCE_ACCOUNT = "111122223333", "444455556666"
ZONE = "Z0123456789ABCDEFGHIJ"
KEY = f"arn:aws:kms:us-east-1:{SOURCE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:staging-db-user-AbCdEf"
SAMPLE_STACKS = {
    "defaults": {},
    "aurora-postgresql, everything set": {
        "SourceAccountId": SOURCE_ACCOUNT, "EngineVersion": "15", "SnapshotKmsKeyArn": KEY, "HostedZoneId": ZONE,
        "DatabaseSecretArn": SECRET, "SubnetIds": "subnet-0a1b2c3d,subnet-1a2b3c4d", "SecurityGroupIds": "sg-0a1b2c3d",
        "SnapshotIdentifier": f"arn:aws:rds:us-east-1:{SOURCE_ACCOUNT}:cluster-snapshot:prod-db-2026-11-01",
        "StagingDBGeneration": "3f9a0c1d2b4e", "SnapshotMasterUsername": "app_admin", "StagingSecretKmsKeyArn": KEY},
    "aurora-mysql, pipeline": {
        "Engine": "aurora-mysql", "RestoreMode": "pipeline", "PipelineName": "staging-db-deploy", "HostedZoneId": ZONE},
    "rds postgres, stack": {
        "SourceKind": "instance", "Engine": "postgres", "SourceAccountId": SOURCE_ACCOUNT, "SnapshotKmsKeyArn": KEY,
        "HostedZoneId": ZONE, "SnapshotIdentifier": "rds:prod-db-2026-11-01-02-00", "StagingDBGeneration": "0a1b2c3d4e5f",
        "SchemaMigrations": "false"},
    "aurora clone, stack": {
        "RefreshMethod": "clone", "HostedZoneId": ZONE, "RestoreTime": "2026-12-01T04:05:06Z", "StagingDBGeneration": "5e6f7a8b9c0d"},
    "aurora clone shared from another account": {
        "RefreshMethod": "clone", "SourceAccountId": SOURCE_ACCOUNT, "RestoreTime": "2026-12-01T04:05:06Z", "StagingDBGeneration": "5e6f7a8b9c0d"},
    "aurora with sanitization": {
        "HostedZoneId": ZONE, "SnapshotIdentifier": "prod-db-2026-11-01", "StagingDBGeneration": "1", "MaskingSpec": "masking.json",
        "SecurityGroupIds": "sg-0a1b2c3d,sg-1a2b3c4d", "VpcId": "vpc-0a1b2c3d", "SubnetIds": "subnet-0a1b2c3d,subnet-1a2b3c4d"},
    "rds mariadb, pipeline": {
        "SourceKind": "instance", "Engine": "mariadb", "RestoreMode": "pipeline", "PipelineName": "staging-db-deploy",
        "SchemaMigrations": "false"},
}


# ---------------------------------------------------------------- YAML with CloudFormation's short tags

class CfnLoader(yaml.SafeLoader):
    pass


def _short_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix in ("Ref", "Condition"):
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {"Fn::" + suffix: value}


CfnLoader.add_multi_constructor("!", _short_tag)


def load(path):
    return yaml.load(path.read_text(), Loader=CfnLoader)


# ---------------------------------------------------------------- a stack: parameters, conditions, intrinsics

NO_VALUE = object()


def stack_id(stack_name, uuid="5b7f0a50-1a2b-11ef-9c3d-0a1b2c3d4e5f"):
    return f"arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/{stack_name}/{uuid}"


class Unresolvable(Exception):
    pass


class Stack:
    """template's parameters (defaults, then overrides), its conditions and the intrinsics that a
    policy may hold, resolved the way CloudFormation would before it creates anything."""

    def __init__(self, template, overrides=None, stack_name="staging-refresh-dev"):
        self.template = template
        overrides = overrides or {}
        assert not set(overrides) - set(template["Parameters"]), "override of an unknown parameter"
        self.values = {}
        for name, parameter in template["Parameters"].items():
            value = str(overrides.get(name, parameter.get("Default")))
            self.values[name] = value.split(",") if parameter["Type"] == "CommaDelimitedList" else value
        self.pseudo = {"AWS::AccountId": ACCOUNT, "AWS::Region": "us-east-1", "AWS::Partition": "aws",
                       "AWS::StackName": stack_name, "AWS::URLSuffix": "amazonaws.com",
                       "AWS::StackId": stack_id(stack_name)}

    def ref(self, name):
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.values:
            return self.values[name]
        if self.template["Resources"].get(name, {}).get("Type") == "AWS::SNS::Topic":
            # A topic's Ref is its ARN, under the name CloudFormation generates.
            return f"arn:aws:sns:us-east-1:{ACCOUNT}:{self.pseudo['AWS::StackName']}-{name}-1A2B3C4D5E6F"
        if self.template["Resources"].get(name, {}).get("Type") == "AWS::SecretsManager::Secret":
            return f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:{name}-AbCdEf"
        raise Unresolvable(f"Ref {name}: a resource, known only once deployed")

    def condition(self, name):
        return self.truth(self.template["Conditions"][name])

    def truth(self, node):
        (function, argument), = node.items()
        if function == "Condition":
            return self.condition(argument)
        if function == "Fn::Equals":
            left, right = (self.resolve(side) for side in argument)
            return str(left) == str(right)
        if function == "Fn::Not":
            return not self.truth(argument[0])
        if function == "Fn::And":
            return all(self.truth(part) for part in argument)
        if function == "Fn::Or":
            return any(self.truth(part) for part in argument)
        if function == "Fn::Contains":
            return self.resolve(argument[1]) in self.resolve(argument[0])
        if function == "Fn::EachMemberEquals":  # rules only
            return all(str(item) == str(self.resolve(argument[1])) for item in self.resolve(argument[0]))
        raise Unresolvable(f"{function} in a condition")

    def exists(self, resource):
        return "Condition" not in resource or self.condition(resource["Condition"])

    def sub(self, argument):
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        variables = {name: self.resolve(value) for name, value in variables.items()}

        def one(match):
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            value = variables[name] if name in variables else self.ref(name) if "." not in name else None
            if not isinstance(value, str):
                raise Unresolvable(f"${{{name}}} in Fn::Sub {text!r}")
            return value

        return re.sub(r"\$\{([^}]+)\}", one, text)

    def resolve(self, node):
        if isinstance(node, list):
            return [item for item in map(self.resolve, node) if item is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (function, argument), = node.items()
            if function == "Ref":
                return self.ref(argument)
            if function == "Fn::If":
                name, when_true, when_false = argument
                return self.resolve(when_true if self.condition(name) else when_false)
            if function == "Fn::Sub":
                return self.sub(argument)
            if function == "Fn::Join":
                return argument[0].join(self.resolve(argument[1]))
            if function == "Fn::Split":
                return self.resolve(argument[1]).split(argument[0])
            if function == "Fn::Select":
                return self.resolve(argument[1])[int(self.resolve(argument[0]))]
            if function == "Fn::GetAtt" and argument[1] == "Arn" \
                    and self.template["Resources"].get(argument[0], {}).get("Type") == "AWS::IAM::Role":
                return self.role_arn(argument[0])
            if function.startswith("Fn::") or function == "Condition":
                raise Unresolvable(f"{function}: {argument!r}")
        resolved = {key: self.resolve(value) for key, value in node.items()}
        return {key: value for key, value in resolved.items() if value is not NO_VALUE}

    def role_arn(self, logical_id):
        """The ARN CloudFormation gives a role it names itself: <stack>-<logical id>-<random suffix>."""
        return f"arn:aws:iam::{ACCOUNT}:role/{self.pseudo['AWS::StackName']}-{logical_id}-1A2B3C4D5E6F"

    def policies(self, role):
        """(name, document) of every policy on the role: inline, and AWS::IAM::RolePolicy/Policy."""
        resources = self.template["Resources"]
        found = [(policy["PolicyName"], self.resolve(policy["PolicyDocument"]))
                 for policy in resources[role]["Properties"].get("Policies", [])]
        for resource in resources.values():
            properties = resource.get("Properties", {})
            attached = [properties.get("RoleName")] + properties.get("Roles", [])
            if resource["Type"] in ("AWS::IAM::RolePolicy", "AWS::IAM::Policy") and {"Ref": role} in attached \
                    and self.exists(resource):
                found.append((properties["PolicyName"], self.resolve(properties["PolicyDocument"])))
        return found

    def actions(self, role):
        return {(statement["Effect"], action)
                for _, document in self.policies(role) for statement in document["Statement"]
                for action in as_list(statement["Action"])}

    def rule_failures(self):
        failures = []
        for name, rule in self.template.get("Rules", {}).items():
            if "RuleCondition" in rule and not self.truth(rule["RuleCondition"]):
                continue
            failures += [name for assertion in rule["Assertions"] if not self.truth(assertion["Assert"])]
        return failures

    def constraint_failures(self):
        failures = []
        for name, parameter in self.template["Parameters"].items():
            for value in as_list(self.values[name]):
                if "AllowedValues" in parameter and value not in map(str, parameter["AllowedValues"]):
                    failures.append(f"{name}={value!r} not in AllowedValues")
                if "AllowedPattern" in parameter and not re.fullmatch(parameter["AllowedPattern"], value):
                    failures.append(f"{name}={value!r} does not match AllowedPattern")
        return failures


def as_list(value):
    return value if isinstance(value, list) else [value]


def roles(template):
    return [name for name, resource in template["Resources"].items() if resource["Type"] == "AWS::IAM::Role"]


@pytest.fixture(scope="module")
def template():
    return load(TEMPLATE)


# ---------------------------------------------------------------- cfn-lint

TEMPLATES = [TEMPLATE, ROOT / "in-place.yml", *sorted(p for p in (ROOT / "templates").glob("*") if p.suffix in (".yml", ".yaml", ".json"))]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_cfn_lint_finds_no_error_or_warning(path):
    matches = [m for m in lint_file(path) if m.rule.severity in ("error", "warning")]
    assert not matches, "cfn-lint:\n" + "\n".join(str(m) for m in matches)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_cfn_lint_with_aws_serverless_rules_finds_nothing(path):
    # AWS's serverless rules (cfn-lint-serverless); a finding left is suppressed at its resource, with its reason.
    result = subprocess.run([sys.executable, "-c", "import sys; from cfnlint.runner import main; sys.exit(main())",
                             str(path), "-a", "cfn_lint_serverless.rules"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.parametrize("path, framework", [(TEMPLATE, "cloudformation"), (SERVERLESS, "serverless")], ids=["template.yml", "serverless.yml"])
def test_checkov_finds_nothing(path, framework):
    # Every check skipped in template.yml says why, next to the resource it is about.
    checkov = ROOT / ".build" / "lint" / "bin" / "checkov"
    assert checkov.exists(), f"{checkov} is missing: run 'make lint-tools' (make test does)"
    result = subprocess.run([str(checkov), "-f", str(path), "--framework", framework, "--output", "json", "--quiet"],
                            capture_output=True, text=True)
    report = json.loads(result.stdout) if result.stdout.strip().startswith(("{", "[")) else {}
    reports = report if isinstance(report, list) else [report]
    failed = [f"{c['check_id']} {c['resource']}" for r in reports for c in r.get("results", {}).get("failed_checks", [])]
    assert not failed, "\n".join(failed)
    assert any(r.get("summary", {}).get("passed", 0) > 0 for r in reports), result.stdout[:500] + result.stderr[-500:]
    skipped = [c for r in reports for c in r.get("results", {}).get("skipped_checks", [])]
    assert all(c.get("suppress_comment", "").strip() for c in skipped), [c["check_id"] for c in skipped if not c.get("suppress_comment")]


# ---------------------------------------------------------------- order: nothing points at a database that cannot serve

def references(stack, node):
    """Resource names `node` refers to (Ref, GetAtt, ${...} in Sub), following only the Fn::If branch taken."""
    found = set()
    if isinstance(node, list):
        for item in node:
            found |= references(stack, item)
    elif isinstance(node, dict):
        if len(node) == 1:
            (function, argument), = node.items()
            if function == "Fn::If":
                name, when_true, when_false = argument
                return references(stack, when_true if stack.condition(name) else when_false)
            if function == "Ref":
                return {argument}
            if function == "Fn::GetAtt":
                return {argument[0]}
            if function == "Fn::Sub":
                text, variables = (argument, {}) if isinstance(argument, str) else argument
                names = {m.split(".")[0] for m in re.findall(r"\$\{([^}!][^}]*)\}", text)} - set(variables)
                return names | references(stack, variables)
        for value in node.values():
            found |= references(stack, value)
    return found


def depends_on(stack, name, seen=None):
    """Every resource `name` waits for, directly or through others."""
    resources = stack.template["Resources"]
    seen = set() if seen is None else seen
    resource = resources[name]
    direct = (references(stack, resource.get("Properties", {})) | set(as_list(resource.get("DependsOn", []))))
    for other in sorted(direct & set(resources)):
        if other not in seen and stack.exists(resources[other]):
            seen.add(other)
            depends_on(stack, other, seen)
    return seen


@pytest.mark.parametrize("name, overrides", [
    ("cluster without migrations", {"HostedZoneId": ZONE, "SnapshotIdentifier": "prod-db-2026-11-01", "StagingDBGeneration": "1",
                                    "SchemaMigrations": "false"}),
    ("cluster with migrations", {"HostedZoneId": ZONE, "SnapshotIdentifier": "prod-db-2026-11-01", "StagingDBGeneration": "1"}),
])
def test_the_cname_and_the_migration_wait_for_the_clusters_instance(template, name, overrides):
    stack = Stack(template, overrides)
    assert stack.exists(template["Resources"]["StagingClusterInstance"])
    assert "StagingClusterInstance" in depends_on(stack, "StagingRecord"), name
    if stack.exists(template["Resources"]["SchemaMigration"]):
        assert "StagingClusterInstance" in depends_on(stack, "SchemaMigration")
        assert "SchemaMigration" in depends_on(stack, "StagingRecord")


@pytest.mark.parametrize("migrations", ["true", "false"])
def test_with_sanitization_the_cname_waits_for_masking_then_migrations_then_access(template, migrations):
    stack = Stack(template, {**SAMPLE_STACKS["aurora with sanitization"], "SchemaMigrations": migrations})
    groups = template["Resources"]["StagingCluster"]["Properties"]["VpcSecurityGroupIds"]["Fn::If"]
    assert stack.condition(groups[0]) and groups[1] == [{"Ref": "ClosedSecurityGroup"}]
    assert "StagingClusterInstance" in depends_on(stack, "Sanitize")
    access = depends_on(stack, "StagingAccess")
    assert "Sanitize" in access
    if migrations == "true":
        assert "Sanitize" in depends_on(stack, "SchemaMigration") and "SchemaMigration" in access
    assert "StagingAccess" in depends_on(stack, "StagingRecord")
    # Masking needs the Data API whether or not migrations run.
    assert stack.resolve(template["Resources"]["StagingCluster"]["Properties"]["EnableHttpEndpoint"]) is True


def test_an_instance_stack_does_not_refer_to_the_cluster_instance(template):
    stack = Stack(template, SAMPLE_STACKS["rds postgres, stack"])
    assert depends_on(stack, "StagingRecord") & {"StagingCluster", "StagingClusterInstance", "SchemaMigration"} == set()
    assert "StagingInstance" in depends_on(stack, "StagingRecord")


# ---------------------------------------------------------------- Rules and the sample stacks

@pytest.mark.parametrize("name", SAMPLE_STACKS)
def test_sample_stack_is_valid_input(template, name):
    stack = Stack(template, SAMPLE_STACKS[name])
    assert stack.constraint_failures() == []
    assert stack.rule_failures() == []


@pytest.mark.parametrize("overrides, rule", [
    ({"SourceKind": "instance", "SchemaMigrations": "false"}, "AuroraEnginesAreClusters"),
    ({"Engine": "postgres"}, "ClustersAreAurora"),
    ({"RestoreMode": "pipeline"}, "PipelineModeNeedsPipelineName"),
    ({"SourceKind": "instance", "Engine": "mysql"}, "MigrationsNeedAurora"),
    ({"StagingInstanceClass": "db.t4g.medium"}, "DataAPINeedsNoTClass"),
    ({"DatabaseSecretArn": SECRET, "StagingInstanceClass": "db.t3.large"}, "DataAPINeedsNoTClass"),
    ({"SnapshotIdentifier": "prod-db-2026-11-01"}, "SnapshotNeedsGeneration"),
    ({"RefreshMethod": "clone", "RestoreTime": "2026-12-01T04:05:06Z"}, "SnapshotNeedsGeneration"),
    ({"RefreshMethod": "clone", "SourceKind": "instance", "Engine": "postgres", "SchemaMigrations": "false"}, "ClonesAreOfAuroraClusters"),
    ({"MaskingSpec": "masking.json"}, "SanitizeNeedsAurora"),
    ({"MaskingSpec": "masking.json", "SecurityGroupIds": "sg-0a1b2c3d", "SubnetIds": "subnet-0a1b2c3d,subnet-1a2b3c4d"}, "SanitizeNeedsAurora"),
    ({"MaskingSpec": "masking.json", "SecurityGroupIds": "sg-0a1b2c3d", "SchemaMigrations": "false",
      "StagingInstanceClass": "db.t4g.medium"}, "DataAPINeedsNoTClass"),
    ({"MaskingSpec": "masking.json", "SecurityGroupIds": "sg-0a1b2c3d", "SourceKind": "instance", "Engine": "postgres",
      "SchemaMigrations": "false"}, "SanitizeNeedsAurora"),
])
def test_rules_refuse_inconsistent_input(template, overrides, rule):
    assert Stack(template, overrides).rule_failures() == [rule]


# ---------------------------------------------------------------- IAM

@pytest.mark.parametrize("name", SAMPLE_STACKS)
def test_parliament_finds_nothing_in_any_policy(template, name):
    stack = Stack(template, SAMPLE_STACKS[name])
    checked, findings = 0, []
    for role in roles(template):
        if not stack.exists(template["Resources"][role]):
            continue
        for policy, document in stack.policies(role):
            for statement in document["Statement"]:
                assert as_list(statement.get("Resource", [])), f"{role}/{policy} {statement.get('Sid')}: no Resource left"
            checked += 1
            findings += [f"{role}/{policy}: {f.issue} {f.detail}" for f in analyze_policy_string(json.dumps(document)).findings]
    assert checked >= 3
    assert findings == []


def iam_actions(node, path=""):
    """Every string under an Action or NotAction key of any policy, in every branch of every Fn::If."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("Action", "NotAction"):
                yield from ((f"{path}/{key}", text) for text in strings(value))
            else:
                yield from iam_actions(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from iam_actions(item, f"{path}[{index}]")


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)


def test_no_iam_action_has_a_wildcard(template):
    actions = list(iam_actions(template["Resources"]))
    assert len(actions) > 20
    assert [path for path, _ in actions if path.endswith("NotAction")] == []
    assert [(path, action) for path, action in actions if "*" in action] == []


@pytest.mark.parametrize("name", SAMPLE_STACKS)
def test_resource_star_only_where_iam_has_no_resource_level_permission(template, name):
    stack = Stack(template, SAMPLE_STACKS[name])
    scopable = []
    for role in roles(template):
        for policy, document in stack.policies(role):
            for statement in document["Statement"]:
                if "*" in as_list(statement["Resource"]):
                    for action in as_list(statement["Action"]):
                        service, operation = action.split(":")
                        if any(t["resource_type"] for t in get_privilege_info(service, operation)["resource_types"]):
                            scopable.append(f"{role}/{policy}: {action}")
    assert scopable == []


def swift_names(path, pattern):
    return set(re.findall(pattern, (ROOT / path).read_text()))


def test_environment_variables_are_the_ones_the_handlers_read(template):
    settings_block = (ROOT / "Sources/Refresh/Settings.swift").read_text().split("public static let names = [")[1].split("]")[0]
    refresh = set(re.findall(r'"([A-Z_]+)"', settings_block))
    migration = swift_names("Sources/Refresh/MigrationSettings.swift", r'env: "([A-Z_]+)", property: "[A-Za-z]+"')
    properties = swift_names("Sources/Refresh/MigrationSettings.swift", r'env: "[A-Z_]+", property: "([A-Za-z]+)"')
    assert "SOURCE_DB_CLUSTER_IDENTIFIER" in refresh and "DB_ENGINE" in migration  # the patterns still find them
    sanitize = migration | swift_names("Sources/Refresh/SanitizeSettings.swift", r'env: "([A-Z_]+)", property: "[A-Za-z]+"')
    sanitize_properties = properties | swift_names("Sources/Refresh/SanitizeSettings.swift", r'env: "[A-Z_]+", property:\s*"([A-Za-z]+)"')
    assert "MASKING_KEY_SECRET_ARN" in sanitize and "MaskingSpec" in sanitize_properties
    for name, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Lambda::Function":
            variables = set(resource["Properties"]["Environment"]["Variables"])
            read = {"schema-migration": migration, "sanitize": sanitize}.get(resource["Properties"]["Handler"], refresh)
            assert variables <= read, f"{name}: {variables - read} are not read by the handler"
    custom = template["Resources"]["SchemaMigration"]
    assert custom["Type"] == "Custom::SchemaMigration"
    # MaskedBy only orders the migration after masking.
    assert set(custom["Properties"]) - {"ServiceToken", "ServiceTimeout", "MigrationsVersion", "MaskedBy"} <= properties
    masking = template["Resources"]["Sanitize"]
    assert set(masking["Properties"]) - {"ServiceToken", "MigrationsVersion"} <= sanitize_properties


# ---------------------------------------------------------------- serverless.yml, its variables resolved

VARIABLE = re.compile(r"\$\{([a-z][^${}]*)\}")  # CloudFormation's ${AWS::…}, ${Name} start upper case


class Serverless:
    """serverless.yml with the variable sources it uses resolved as Serverless v3 does. ssm has no
    AWS here and resolves to nothing, so its fallback applies; an unknown source fails."""

    def __init__(self, path, stage="dev"):
        self.raw, self.directory, self.stage = load(path), path.parent, stage
        self.config = self.resolve(self.raw)

    def resolve(self, node):
        if isinstance(node, dict):
            return {key: self.resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [self.resolve(item) for item in node]
        while isinstance(node, str) and (match := VARIABLE.search(node)):
            value = self.variable(match.group(1))
            if match.span() == (0, len(node)):
                return value
            assert isinstance(value, (str, int, float)), f"{match.group(0)} is not text"
            node = node[:match.start()] + str(value) + node[match.end():]
        return node

    def variable(self, text):
        first, *fallbacks = [part.strip() for part in re.split(r",(?=(?:[^']*'[^']*')*[^']*$)", text)]
        value = self.source(first)
        for fallback in fallbacks:
            if value is not None:
                break
            value = fallback.strip("'\"") if fallback[:1] in "'\"" else self.source(fallback)
        assert value is not None, f"${{{text}}} resolves to nothing"
        return self.resolve(value)

    def source(self, text):
        kind, argument, address = re.fullmatch(r"([a-zA-Z]+)(?:\(([^)]*)\))?(?::(.*))?", text).groups()
        if kind == "self":
            return dig(self.raw, address)
        if kind == "sls":
            return {"stage": self.stage}[address]
        if kind == "opt":
            return None
        if kind == "param":
            params = self.raw["params"]
            return params.get(self.stage, {}).get(address, params["default"].get(address))
        if kind == "file":
            return dig(load(self.directory / argument), address)
        if kind in ("ssm", "cf"):  # a deployed account's values; the fallback stands in
            return None
        if kind == "strToBool":
            return {"true": True, "false": False, "1": True, "0": False}[argument.strip()]
        raise AssertionError(f"serverless.yml uses a variable source this test cannot resolve: {kind}")


def dig(data, address):
    for key in address.split(".") if address else []:
        data = data[key]
    return data


def normalized(name):
    name = name.replace("-", "Dash").replace("_", "Underscore")
    return name[:1].upper() + name[1:]


@pytest.fixture(scope="module")
def serverless():
    return Serverless(SERVERLESS).config


def stack_view(config):
    """serverless.yml's resources section as a template, for Stack."""
    resources = config["resources"]
    return {"Parameters": resources["Parameters"], "Conditions": resources["Conditions"], "Resources": resources["Resources"]}


def template_functions(template, stack):
    functions = {}
    for name, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        p = resource["Properties"]
        schedules = sorted(
            (stack.resolve(rule["Properties"]["ScheduleExpression"]), stack.resolve(rule["Properties"]["State"]))
            for rule in template["Resources"].values() if rule["Type"] == "AWS::Events::Rule"
            for target in rule["Properties"]["Targets"] if target["Arn"] == {"Fn::GetAtt": [name, "Arn"]})
        functions[name] = {
            "name": stack.resolve(p["FunctionName"]), "handler": p["Handler"], "runtime": p["Runtime"],
            "architectures": p["Architectures"], "memory": p["MemorySize"], "timeout": p["Timeout"],
            "environment": p["Environment"]["Variables"], "layers": p.get("Layers", []),
            "role": p["Role"]["Fn::GetAtt"][0], "schedules": schedules}
    return functions


def serverless_functions(config):
    provider, functions = config["provider"], {}
    for key, f in config["functions"].items():
        schedules = sorted((rate, "ENABLED" if event["schedule"].get("enabled", True) else "DISABLED")
                           for event in f.get("events", []) if "schedule" in event for rate in event["schedule"]["rate"])
        functions[normalized(key) + "LambdaFunction"] = {
            "name": f["name"], "handler": f["handler"], "runtime": f.get("runtime", provider["runtime"]),
            "architectures": [f.get("architecture", provider["architecture"])],
            "memory": f.get("memorySize", provider.get("memorySize", 1024)), "timeout": f.get("timeout", provider.get("timeout", 6)),
            "environment": f.get("environment", {}), "layers": f.get("layers", []), "role": f["role"], "schedules": schedules}
    return functions


def test_serverless_functions_match_the_template(template, serverless):
    stack = Stack(template, stack_name=serverless["provider"]["stackName"])
    expected = template_functions(template, stack)
    assert len(expected) == 5
    assert serverless_functions(serverless) == expected


def test_serverless_layer_and_log_groups_match_the_template(template, serverless):
    stack = Stack(template, stack_name=serverless["provider"]["stackName"])
    resources = template["Resources"]
    for key, layer in serverless["layers"].items():
        expected = resources[normalized(key) + "LambdaLayer"]["Properties"]
        assert (layer["name"], layer["compatibleRuntimes"]) == (stack.resolve(expected["LayerName"]), expected["CompatibleRuntimes"])
    for key, function in serverless["functions"].items():
        group = resources[normalized(key) + "LogGroup"]["Properties"]
        assert stack.resolve(group["LogGroupName"]) == "/aws/lambda/" + function["name"]
        assert group["RetentionInDays"] == serverless["provider"]["logRetentionInDays"]


def test_serverless_imports_everything_else_from_the_template(template, serverless):
    generated = set()
    for key, function in serverless["functions"].items():
        prefix = normalized(key)
        generated |= {prefix + "LambdaFunction", prefix + "LogGroup"}
        for index in range(1, 1 + sum(len(e["schedule"]["rate"]) for e in function.get("events", []) if "schedule" in e)):
            generated |= {f"{prefix}EventsRuleSchedule{index}", f"{prefix}LambdaPermissionEventsRuleSchedule{index}"}
    generated |= {normalized(key) + "LambdaLayer" for key in serverless["layers"]}
    imported = serverless["resources"]["Resources"]
    assert generated | set(imported) == set(template["Resources"])
    assert not generated & set(imported)
    assert {name: template["Resources"][name] for name in imported} == imported
    for section in ("Conditions", "Outputs", "Description"):
        assert serverless["resources"][section] == template[section]


def test_serverless_parameters_default_to_the_template_defaults(template, serverless):
    parameters = serverless["resources"]["Parameters"]
    assert set(parameters) == set(template["Parameters"]) - CODE_PARAMETERS
    for name, parameter in parameters.items():
        expected = template["Parameters"][name]
        assert (parameter["Type"], str(parameter["Default"])) == (expected["Type"], str(expected["Default"])), name
    # Serverless cannot carry template.yml's Rules: its default params must keep them.
    stack = Stack(template, {name: p["Default"] for name, p in parameters.items()})
    assert (stack.constraint_failures(), stack.rule_failures()) == ([], [])


@pytest.mark.parametrize("name", SAMPLE_STACKS)
def test_serverless_functions_have_the_template_iam_actions(template, serverless, name):
    stack_name = serverless["provider"]["stackName"]
    ours = Stack(template, SAMPLE_STACKS[name], stack_name)
    theirs = Stack(stack_view(serverless), {k: v for k, v in SAMPLE_STACKS[name].items() if k not in CODE_PARAMETERS}, stack_name)
    for function in template_functions(template, ours).values():
        role = function["role"]
        assert ours.actions(role), role
        assert theirs.actions(role) == ours.actions(role), role


# ---------------------------------------------------------------- template.yml grants no more than `bootstrap iam-policy`

# Lambda writes the function's logs, and sends a failed asynchronous invocation's record to its
# destination, with the function's role: those are Lambda's needs, not a handler's calls.
LAMBDA_OWN = ("logs:", "sns:Publish")


@pytest.mark.parametrize("name", ["defaults", "aurora-postgresql, everything set", "aurora-mysql, pipeline", "rds postgres, stack",
                                  "aurora clone, stack", "aurora clone shared from another account", "aurora with sanitization"])
def test_the_template_grants_no_more_than_iam_policy(template, name):
    from harness.build import binary

    stack = Stack(template, SAMPLE_STACKS[name])

    def resolved(value):
        try:
            return stack.resolve(value)
        except Unresolvable:  # a resource's name, known once deployed (the clones' subnet group): not in any policy
            return NO_VALUE

    for function in template_functions(template, stack).values():
        environment = {key: value for key, value in ((k, resolved(v)) for k, v in function["environment"].items())
                       if value is not NO_VALUE and value != ""}
        if function["handler"] in ("schema-migration", "sanitize"):
            # They come as the custom resource's properties; the cluster is whichever the stack restores.
            environment.update(DB_CLUSTER_ARN=f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:*",
                               DB_SECRET_ARN=stack.values["DatabaseSecretArn"] or f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:rds!cluster-*")
        if function["handler"] == "sanitize":
            environment.update(AWS_LAMBDA_FUNCTION_NAME=function["name"])
            environment.setdefault("MASKING_KEY_SECRET_ARN", f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:none-AbCdEf")
        key = ["--kms-key", stack.values["SnapshotKmsKeyArn"]] if stack.values.get("SnapshotKmsKeyArn") else []
        if stack.values.get("StagingSecretKmsKeyArn"):
            key += ["--secret-kms-key", stack.values["StagingSecretKmsKeyArn"]]
        if stack.values.get("HostedZoneId"):
            key += ["--hosted-zone", stack.values["HostedZoneId"], "--record-name", stack.values["RecordName"]]
        result = subprocess.run([str(binary("bootstrap")), "iam-policy", function["handler"], "--account", ACCOUNT, *key],
                                env={"PATH": os.environ["PATH"], "AWS_REGION": "us-east-1", **environment}, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        allowed = json.loads(result.stdout)["Statement"]
        extra = []
        for policy, document in stack.policies(function["role"]):
            for statement in document["Statement"]:
                if statement["Effect"] != "Allow":
                    continue
                for action in as_list(statement["Action"]):
                    for resource in as_list(statement["Resource"]):
                        if action.startswith(LAMBDA_OWN):
                            continue
                        if not any(fnmatch.fnmatchcase(action, a) and fnmatch.fnmatchcase(resource, r)
                                   for s in allowed for a in s["Action"] for r in s["Resource"]):
                            extra.append(f"{policy}: {action} on {resource}")
        assert not extra, f"{function['handler']}: template.yml grants more than bootstrap iam-policy prints:\n  " + "\n  ".join(extra)
    if stack.exists(template["Resources"]["StackUpdateRole"]):
        restore = template_functions(template, stack)["RestoreFromSnapshotLambdaFunction"]
        environment = {key: value for key, value in ((k, stack.resolve(v)) for k, v in restore["environment"].items())
                       if value is not NO_VALUE and value != ""}
        key = ["--kms-key", stack.values["SnapshotKmsKeyArn"]] if stack.values.get("SnapshotKmsKeyArn") else []
        if stack.values.get("StagingSecretKmsKeyArn"):
            key += ["--secret-kms-key", stack.values["StagingSecretKmsKeyArn"]]
        if stack.values.get("HostedZoneId"):
            key += ["--hosted-zone", stack.values["HostedZoneId"], "--record-name", stack.values["RecordName"]]
        result = subprocess.run([str(binary("bootstrap")), "iam-policy", "stack-update-role", "--account", ACCOUNT, *key],
                                env={"PATH": os.environ["PATH"], "AWS_REGION": "us-east-1", **environment}, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        allowed = json.loads(result.stdout)["Statement"]
        extra = [f"{action} on {resource}" for _, document in stack.policies("StackUpdateRole") for statement in document["Statement"]
                 if statement["Effect"] == "Allow" for action in as_list(statement["Action"]) for resource in as_list(statement["Resource"])
                 if not any(fnmatch.fnmatchcase(action, a) and fnmatch.fnmatchcase(resource, r)
                            for s in allowed for a in s["Action"] for r in s["Resource"])]
        assert not extra, "StackUpdateRole grants more than bootstrap iam-policy stack-update-role prints:\n  " + "\n  ".join(extra)


# ---------------------------------------------------------------- a staging database the Data API can serve

def prop(stack, name, key):
    """One property of a resource, resolved (NO_VALUE when absent)."""
    properties = stack.template["Resources"][name]["Properties"]
    return stack.resolve(properties[key]) if key in properties else NO_VALUE


def test_a_clone_is_a_copy_on_write_clone_of_the_source_at_the_restore_time(template):
    stack = Stack(template, SAMPLE_STACKS["aurora clone, stack"])
    assert stack.exists(template["Resources"]["StagingCluster"]) and stack.exists(template["Resources"]["SchemaMigration"])
    # RDS takes no RestoreToTime with copy-on-write: a clone is of the latest restorable time.
    assert (prop(stack, "StagingCluster", "SourceDBClusterIdentifier"), prop(stack, "StagingCluster", "RestoreType"),
            prop(stack, "StagingCluster", "UseLatestRestorableTime"), prop(stack, "StagingCluster", "RestoreToTime")) == \
        ("prod-db", "copy-on-write", True, NO_VALUE)
    exact = Stack(template, {**SAMPLE_STACKS["aurora clone, stack"], "PointInTimeRestore": "true"})
    assert (prop(exact, "StagingCluster", "RestoreType"), prop(exact, "StagingCluster", "UseLatestRestorableTime"),
            prop(exact, "StagingCluster", "RestoreToTime")) == ("full-copy", NO_VALUE, "2026-12-01T04:05:06Z")
    shared = Stack(template, {**SAMPLE_STACKS["aurora clone, stack"], "SourceAccountId": SOURCE_ACCOUNT})
    assert prop(shared, "StagingCluster", "SourceDBClusterIdentifier") == f"arn:aws:rds:us-east-1:{SOURCE_ACCOUNT}:cluster:prod-db"
    assert prop(stack, "StagingCluster", "SnapshotIdentifier") is NO_VALUE
    assert prop(stack, "StagingCluster", "ManageMasterUserPassword") is True
    # Without a time there is no clone yet, whatever SnapshotIdentifier says.
    none = Stack(template, {"RefreshMethod": "clone", "SnapshotIdentifier": "prod-db-2026-11-01", "StagingDBGeneration": "1"})
    assert not none.exists(template["Resources"]["StagingCluster"])


def test_with_migrations_the_default_class_is_serverless_and_the_data_api_is_on(template):
    stack = Stack(template, {"SnapshotIdentifier": "prod-db-2026-11-01", "StagingDBGeneration": "1"})
    assert stack.rule_failures() == [] and stack.constraint_failures() == []
    assert prop(stack, "StagingClusterInstance", "DBInstanceClass") == "db.serverless"
    assert prop(stack, "StagingCluster", "EnableHttpEndpoint") is True
    assert prop(stack, "StagingCluster", "ServerlessV2ScalingConfiguration") == {"MinCapacity": "0.5", "MaxCapacity": "4"}


def test_without_migrations_the_data_api_stays_off(template):
    stack = Stack(template, {"SnapshotIdentifier": "prod-db-2026-11-01", "StagingDBGeneration": "1", "StagingMinCapacity": "0",
                             "SchemaMigrations": "false"})
    assert prop(stack, "StagingCluster", "EnableHttpEndpoint") is NO_VALUE
    assert prop(stack, "StagingCluster", "ServerlessV2ScalingConfiguration")["MinCapacity"] == "0"
    instance = Stack(template, {**SAMPLE_STACKS["rds postgres, stack"]})
    assert prop(instance, "StagingInstance", "DBInstanceClass") == "db.t4g.medium"


@pytest.mark.parametrize("instance_class", ["db.serverless", "db.r6g.large", ""])
def test_classes_the_data_api_runs_on_pass_the_rules(template, instance_class):
    stack = Stack(template, {"DatabaseSecretArn": SECRET, "StagingInstanceClass": instance_class})
    assert stack.rule_failures() == [] and stack.constraint_failures() == []


def test_the_restore_function_knows_when_migrations_need_the_data_api(template):
    on = template_functions(template, Stack(template, {}))
    off = template_functions(template, Stack(template, {"SchemaMigrations": "false"}))
    name = "RestoreFromSnapshotLambdaFunction"
    assert Stack(template, {}).resolve(on[name]["environment"]["MIGRATIONS_ENABLED"]) == "true"
    assert Stack(template, {"SchemaMigrations": "false"}).resolve(off[name]["environment"]["MIGRATIONS_ENABLED"]) == "false"


def test_restore_mode_has_one_default_in_code_template_and_serverless(template, serverless):
    from harness.build import binary

    documented = subprocess.run([str(binary("bootstrap")), "invoke", "--help"], capture_output=True, text=True).stdout
    code_default = re.search(r"RESTORE_MODE\s+stack or pipeline \(default (\w+)\)", documented).group(1)
    assert template["Parameters"]["RestoreMode"]["Default"] == code_default == dig(serverless, "params.default.restoreMode")


def test_readme_documents_every_template_parameter(template):
    readme = (ROOT / "README.md").read_text()
    assert [name for name in template["Parameters"] if f"| `{name}` |" not in readme] == []
