"""CloudFormation stack updates in moto 5.2.1 the way CloudFormation does them, for template.yml's staging
database: installed into the moto_server process by moto_extensions.install().

What moto lacks, and what this adds:
- AWS::RDS::DBCluster (moto ignores it): created, restored when SnapshotIdentifier is set, or cloned when
  SourceDBClusterIdentifier is (RestoreType copy-on-write), through moto's own RDS backend, with the attributes Endpoint.Address, Endpoint.Port, ReadEndpoint.Address, DBClusterArn
  and MasterUserSecret.SecretArn.
- ManageMasterUserPassword on a DB restored from a snapshot (cluster or instance), as CloudFormation's RDS
  handlers do it: a ModifyDB* right after the restore, whose secret RDS creates. moto's RDS-managed secret
  holds a fixed "admin"; here it holds the DB's master user and a generated password, as RDS's does
  ("Password management with Amazon RDS and AWS Secrets Manager": RDS generates the password and stores
  the username and password in the secret).
- AWS::Lambda::EventInvokeConfig (moto ignores it): put on the function through moto's Lambda backend.
- AWS::SecretsManager::Secret (moto ignores it): made in moto's Secrets Manager, GenerateSecretString included.
- AWS::RDS::DBInstance honours DBClusterIdentifier (an Aurora instance) and DBSnapshotIdentifier (a restore);
  moto creates a fresh standalone instance for both.
- An update where resources follow their dependencies: moto updates only resources that name a changed
  parameter directly, so a CNAME whose GetAtt points at a replaced database never moved, and it ignores
  Conditions that changed. Here every resource whose condition holds is visited in dependency order;
  one is created when it is new, updated when its own JSON, a parameter it names, a condition its Fn::If
  reads, or a resource it refers to changed, and deleted when its condition no longer holds. A database
  whose properties change is replaced (a new one under a new generated name), and the old one is deleted
  once the update is done, as CloudFormation does in its cleanup phase.
- The YAML short form `!Condition Name` read as CloudFormation reads it ({"Condition": Name}); moto turns
  it into {"Fn::Condition": Name}, which makes every !And/!Or of conditions false.
- UsePreviousValue for a parameter the stack took from its default (moto looks only among those given
  at creation and fails with a KeyError).
- Custom resources on update: an Update event (with PhysicalResourceId and OldResourceProperties) joins the
  queue moto_extensions hands out, and the stack stays UPDATE_IN_PROGRESS until it is answered: SUCCESS
  completes it. FAILED starts a rollback as CloudFormation's: UPDATE_ROLLBACK_IN_PROGRESS, and each custom
  resource the update changed gets another Update with its previous properties; when they all answer
  SUCCESS the stack is UPDATE_ROLLBACK_COMPLETE, a FAILED one leaves it UPDATE_ROLLBACK_FAILED (AWS:
  "Monitor and roll back stack operations", continue-update-rollback). Other resources are not rolled
  back: moto keeps what the update made.
"""
import json
import re
import secrets

from moto.cloudformation import models as cloudformation_models
from moto.cloudformation import responses as cloudformation_responses
from moto.cloudformation import utils as cloudformation_utils
from moto.cloudformation.models import CloudFormationBackend, Stack
from moto.cloudformation.parsing import ResourceMap, parse_and_update_resource
from moto.core.common_models import CloudFormationModel
from moto.rds.models import DBInstance, MasterUserSecret, rds_backends

_replaced = []  # (kind, identifier, account, region) of databases to delete when the update ends


def _rds(account_id, region_name):
    return rds_backends[account_id][region_name]


def _identifier(name):
    """RDS keeps identifiers in lower case; CloudFormation generates them from the stack and logical id."""
    return re.sub(r"[^a-z0-9-]", "-", name.lower()).strip("-")[:63]


def _tags(properties):
    return [{"Key": t["Key"], "Value": t["Value"]} for t in properties.get("Tags") or []]


class StagingDBCluster(CloudFormationModel):
    """AWS::RDS::DBCluster over moto's RDS backend."""

    # moto's model metaclass files each model under the service its module path names.
    __module__ = "moto.rds.staging_refresh"

    def __init__(self, cluster):
        self.cluster = cluster

    @staticmethod
    def cloudformation_name_type():
        return "DBClusterIdentifier"

    @staticmethod
    def cloudformation_type():
        return "AWS::RDS::DBCluster"

    @property
    def physical_resource_id(self):
        return self.cluster.db_cluster_identifier

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in ("Endpoint.Address", "Endpoint.Port", "ReadEndpoint.Address", "DBClusterArn", "MasterUserSecret.SecretArn")

    def get_cfn_attribute(self, attribute_name):
        if attribute_name == "MasterUserSecret.SecretArn":
            return _secret_arn(self.cluster)
        return {"Endpoint.Address": self.cluster.endpoint, "Endpoint.Port": str(self.cluster.port),
                "ReadEndpoint.Address": self.cluster.reader_endpoint, "DBClusterArn": self.cluster.db_cluster_arn}[attribute_name]

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json.get("Properties", {})
        backend = _rds(account_id, region_name)
        identifier = _identifier(properties.get("DBClusterIdentifier") or resource_name)
        settings = {"db_cluster_identifier": identifier, "engine": properties.get("Engine"),
                    "engine_version": properties.get("EngineVersion"), "port": properties.get("Port"),
                    "db_subnet_group_name": properties.get("DBSubnetGroupName"),
                    "vpc_security_group_ids": properties.get("VpcSecurityGroupIds"),
                    "enable_http_endpoint": properties.get("EnableHttpEndpoint"),
                    "deletion_protection": properties.get("DeletionProtection", False), "tags": _tags(properties)}
        if properties.get("SourceDBClusterIdentifier"):
            # A clone (RestoreType copy-on-write) or point-in-time restore of another cluster: moto's
            # backend has the operation, but CloudFormation's model in moto does not call it.
            overrides = {k: v for k, v in settings.items() if v is not None and k != "db_cluster_identifier"}
            cluster = backend.restore_db_cluster_to_point_in_time(
                db_cluster_identifier=identifier, source_db_cluster_identifier=properties["SourceDBClusterIdentifier"],
                restore_type=properties.get("RestoreType", "full-copy"), restore_to_time=properties.get("RestoreToTime"), **overrides)
            _manage_master_password(lambda change: backend.modify_db_cluster({"db_cluster_identifier": cluster.db_cluster_identifier, **change}),
                                    properties)
        elif properties.get("SnapshotIdentifier"):
            cluster = backend.restore_db_cluster_from_snapshot(properties["SnapshotIdentifier"], settings)
            _manage_master_password(lambda change: backend.modify_db_cluster({"db_cluster_identifier": cluster.db_cluster_identifier, **change}),
                                    properties)
        else:
            settings.update(master_username=properties.get("MasterUsername"), master_user_password=properties.get("MasterUserPassword"))
            cluster = backend.create_db_cluster({key: value for key, value in settings.items() if value is not None})
        return cls(cluster)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        replacement = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        _replaced.append(("cluster", original_resource.physical_resource_id, account_id, region_name))
        return replacement

    def delete(self, account_id, region_name):
        _rds(account_id, region_name).delete_db_cluster(self.physical_resource_id)


class StagingSecret(CloudFormationModel):
    """AWS::SecretsManager::Secret (moto's CloudFormation ignores it) over moto's own secrets backend: a
    secret named <stack>-<logical id>-<suffix> as CloudFormation names it, holding SecretString or, with
    GenerateSecretString, a random string of PasswordLength characters (letters and digits when
    ExcludePunctuation); Ref is its ARN (AWS: "AWS::SecretsManager::Secret",
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-secretsmanager-secret.html)."""

    __module__ = "moto.secretsmanager.staging_refresh"

    def __init__(self, arn, name):
        self.arn, self.name = arn, name

    @staticmethod
    def cloudformation_type():
        return "AWS::SecretsManager::Secret"

    @property
    def physical_resource_id(self):
        return self.arn

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        import string

        from moto.secretsmanager.models import secretsmanager_backends

        properties = cloudformation_json.get("Properties", {})
        generate = properties.get("GenerateSecretString")
        value = properties.get("SecretString")
        if generate is not None:
            alphabet = string.ascii_letters + string.digits + ("" if generate.get("ExcludePunctuation") else "!#$%&()*+,-.:;<=>?@[]^_{|}~")
            value = "".join(secrets.choice(alphabet) for _ in range(int(generate.get("PasswordLength", 32))))
        name = properties.get("Name") or f"{resource_name}-{secrets.token_hex(4)}"
        created = secretsmanager_backends[account_id][region_name].create_secret(
            name=name, secret_string=value, secret_binary=None, description=properties.get("Description"),
            tags=properties.get("Tags"), kms_key_id=properties.get("KmsKeyId"), client_request_token=None,
            replica_regions=[], force_overwrite=False)
        return cls(json.loads(created)["ARN"], name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        return original_resource  # the template never changes the key's properties

    def delete(self, account_id, region_name):
        from moto.secretsmanager.models import secretsmanager_backends

        secretsmanager_backends[account_id][region_name].delete_secret(self.arn, recovery_window_in_days=None,
                                                                        force_delete_without_recovery=True)


class StagingEventInvokeConfig(CloudFormationModel):
    """AWS::Lambda::EventInvokeConfig (moto's CloudFormation ignores it) over moto's own
    put_function_event_invoke_config: a function's retries and on-failure destination for asynchronous
    invocations (AWS: "AWS::Lambda::EventInvokeConfig",
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-eventinvokeconfig.html)."""

    __module__ = "moto.awslambda.staging_refresh"

    def __init__(self, function_name, account_id, region_name):
        self.function_name, self.account_id, self.region_name = function_name, account_id, region_name

    @staticmethod
    def cloudformation_type():
        return "AWS::Lambda::EventInvokeConfig"

    @property
    def physical_resource_id(self):
        return self.function_name

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.awslambda.models import lambda_backends

        properties = cloudformation_json["Properties"]
        config = {key: properties[key] for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")
                  if key in properties}
        lambda_backends[account_id][region_name].put_function_event_invoke_config(properties["FunctionName"], config)
        return cls(properties["FunctionName"], account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    def delete(self, account_id, region_name):
        from moto.awslambda.models import lambda_backends

        lambda_backends[account_id][region_name].get_function(self.function_name).event_invoke_config.clear()


def create_db_instance(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """moto's DBInstance from CloudFormation, with DBClusterIdentifier and DBSnapshotIdentifier honoured."""
    properties = cloudformation_json.get("Properties", {})
    backend = _rds(account_id, region_name)
    identifier = _identifier(properties.get("DBInstanceIdentifier") or resource_name)
    settings = {"db_instance_identifier": identifier, "db_instance_class": properties.get("DBInstanceClass"),
                "engine": properties.get("Engine"), "tags": _tags(properties),
                "db_subnet_group_name": properties.get("DBSubnetGroupName"),
                "vpc_security_group_ids": properties.get("VPCSecurityGroups") or properties.get("VpcSecurityGroupIds") or []}
    if properties.get("DBSnapshotIdentifier"):
        instance = backend.restore_db_instance_from_db_snapshot(properties["DBSnapshotIdentifier"], {k: v for k, v in settings.items() if v})
        _manage_master_password(lambda change: backend.modify_db_instance(instance.db_instance_identifier, change), properties)
        return instance
    if properties.get("DBClusterIdentifier"):
        return backend.create_db_instance({**settings, "db_cluster_identifier": properties["DBClusterIdentifier"]})
    return _original_create_db_instance.__func__(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)


def _manage_master_password(modify, properties):
    if str(properties.get("ManageMasterUserPassword")).lower() == "true":
        modify({"manage_master_user_password": True, "master_user_secret_kms_key_id": (properties.get("MasterUserSecret") or {}).get("KmsKeyId")})


def _secret_arn(database):
    secret = getattr(database, "master_user_secret", None)
    if secret is None:
        raise KeyError(f"{database.arn} has no RDS-managed master secret (ManageMasterUserPassword)")
    return secret.secret_arn


def _secret_string(self):
    return json.dumps({"username": self.resource.master_username, "password": secrets.token_urlsafe(24)})


def db_instance_has_cfn_attr(cls, attr):
    return attr in ("Endpoint.Address", "Endpoint.Port", "MasterUserSecret.SecretArn")


def db_instance_cfn_attribute(self, attribute_name):
    if attribute_name == "MasterUserSecret.SecretArn":
        return _secret_arn(self)
    return _original_instance_attribute(self, attribute_name)


def update_db_instance(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
    replacement = create_db_instance(cls, new_resource_name, cloudformation_json, account_id, region_name)
    _replaced.append(("instance", original_resource.db_instance_identifier, account_id, region_name))
    return replacement


def references(value):
    """The logical ids a resource's JSON refers to: Ref, Fn::GetAtt, ${…} in Fn::Sub, and DependsOn."""
    found = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and isinstance(item, str):
                found.add(item)
            elif key == "Fn::GetAtt":
                found.add(item[0] if isinstance(item, list) else item.split(".")[0])
            elif key == "Fn::Sub":
                text = item[0] if isinstance(item, list) else item
                found.update(name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", text))
                if isinstance(item, list):
                    found |= references(item[1])
            elif key == "DependsOn":
                found.update([item] if isinstance(item, str) else item)
            elif key == "Fn::If" and isinstance(item, list) and item:
                found.add(item[0])  # a condition's name: its value may have changed
                found |= references(item[1:])
            else:
                found |= references(item)
    elif isinstance(value, list):
        for item in value:
            found |= references(item)
    return found


def staged_update(self, template, parameters=None):
    _replaced.clear()
    try:
        _staged_update(self, template, parameters)
    finally:
        _replaced.clear()  # a failed update must not leave deletions for the next one


def _staged_update(self, template, parameters):
    old_json = dict(self._resource_json_map)
    old_parameters = dict(self.resolved_parameters)
    old_conditions = {name: bool(self.lazy_condition_map[name]) for name in self._template.get("Conditions", {})}
    existing = {name for name in old_json if self._parsed_resources.get(name) is not None}
    self._template = template
    if parameters:
        self.input_parameters = parameters
    self.load_mapping()
    self.load_parameters()
    self.load_conditions()
    self._resource_json_map = template["Resources"]
    new_json = template["Resources"]
    changed_parameters = {name for name in set(old_parameters) | set(self.resolved_parameters)
                          if old_parameters.get(name) != self.resolved_parameters.get(name)}
    changed_parameters |= {name for name in template.get("Conditions", {})
                           if old_conditions.get(name) != bool(self.lazy_condition_map[name])}

    def holds(name):
        condition = new_json[name].get("Condition")
        return not condition or bool(self.lazy_condition_map[condition])

    wanted = [name for name in new_json if holds(name)]
    order, visiting = [], set()

    def visit(name):
        if name in order or name in visiting:
            return
        visiting.add(name)
        for dependency in sorted(references(new_json[name]) & set(wanted)):
            visit(dependency)
        order.append(name)

    for name in wanted:
        visit(name)
    changed = set(changed_parameters)
    for name in order:
        if name not in existing:
            _ = self[name]  # creates it
            changed.add(name)
        elif new_json[name] != old_json.get(name) or references(new_json[name]) & changed:
            self._parsed_resources[name] = parse_and_update_resource(name, new_json[name], self, self._account_id, self._region_name)
            changed.add(name)
    for name in reversed([n for n in old_json if n in existing and n not in wanted]):
        self._delete_resource(self._parsed_resources.pop(name), old_json[name])
    # Cleanup: the replaced databases go last, instances before their clusters.
    for kind, identifier, account_id, region_name in sorted(_replaced, key=lambda item: item[0] != "instance"):
        backend = _rds(account_id, region_name)
        backend.delete_db_instance(identifier) if kind == "instance" else backend.delete_db_cluster(identifier)


_queue_update = []  # moto_extensions' function that queues an Update event (set by install)
_queue_rollback = []  # and the one that queues a rollback's Update


def update_custom_resource(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
    _queue_update[0](original_resource, cloudformation_json["Properties"], region_name)
    original_resource._finished = False  # until it answers
    return original_resource


def stack_update(self, *args, **kwargs):
    _original_stack_update(self, *args, **kwargs)
    if any(not resource.is_created() for resource in self.custom_resources.values()):
        self.status = "UPDATE_IN_PROGRESS"  # until the custom resources answer


def answer_update(stack, body):
    """A custom resource's answer during an update or its rollback: FAILED during the update starts the
    rollback, FAILED during the rollback leaves UPDATE_ROLLBACK_FAILED, the last SUCCESS completes either."""
    rolling_back = stack.status == "UPDATE_ROLLBACK_IN_PROGRESS"
    if body.get("Status") != "SUCCESS":
        stack.status_reason = f"The following resource(s) failed to update: [{body.get('LogicalResourceId')}]. {body.get('Reason', '')}"
        if rolling_back:
            return _move(stack, "UPDATE_ROLLBACK_FAILED")
        _move(stack, "UPDATE_ROLLBACK_IN_PROGRESS")
        updated = [r for r in stack.custom_resources.values() if getattr(r, "rollback_properties", None) is not None]
        for each in updated:
            each._finished = False
            _queue_rollback[0](each, stack.region_name)
            each.rollback_properties = None
        if not updated:
            _move(stack, "UPDATE_ROLLBACK_COMPLETE")
        return
    resource = stack.custom_resources.get(body.get("LogicalResourceId"))
    if resource is not None:
        resource.set_data(body.get("Data") or {})
    if any(not r.is_created() for r in stack.custom_resources.values()):
        return
    for each in stack.custom_resources.values():
        each.rollback_properties = None
    _move(stack, "UPDATE_ROLLBACK_COMPLETE" if rolling_back else "UPDATE_COMPLETE")


def _move(stack, status):
    stack.status = status
    stack._add_stack_event(status)


def resolve_update_parameters(self, instance, incoming_params):
    values = {p["ParameterKey"]: p["ParameterValue"] for p in incoming_params if "ParameterValue" in p}
    resolved = getattr(getattr(instance, "resource_map", None), "resolved_parameters", {})
    for parameter in incoming_params:
        key = parameter["ParameterKey"]
        if parameter.get("UsePreviousValue", False):
            previous = instance.parameters.get(key, resolved.get(key))
            values[key] = ",".join(previous) if isinstance(previous, list) else previous
    return values


def yaml_tag_constructor(loader, tag, node):
    if tag == "!Condition":
        return {"Condition": node.value}
    return _original_yaml_tag_constructor(loader, tag, node)


_original_yaml_tag_constructor = cloudformation_utils.yaml_tag_constructor
_original_create_db_instance = DBInstance.create_from_cloudformation_json
_original_instance_attribute = DBInstance.get_cfn_attribute
_original_stack_update = Stack.update


def install(queue_update, queue_rollback):
    """queue_update(resource, new properties, region) hands an Update event to the harness;
    queue_rollback(resource, region) the Update of a rollback."""
    from moto.cloudformation.custom_model import CustomModel

    _queue_update[:] = [queue_update]
    _queue_rollback[:] = [queue_rollback]
    # moto ignores AWS::RDS::DBCluster and AWS::Lambda::EventInvokeConfig: these models register by subclassing.
    assert StagingDBCluster in CloudFormationModel.__subclasses__()
    assert StagingEventInvokeConfig in CloudFormationModel.__subclasses__()
    assert StagingSecret in CloudFormationModel.__subclasses__()
    # moto's DBInstance ignores DBClusterIdentifier and DBSnapshotIdentifier, and ManageMasterUserPassword on a restore.
    DBInstance.create_from_cloudformation_json = classmethod(create_db_instance)
    # moto updates a DBInstance in place; CloudFormation replaces it under a new name and deletes the old one after.
    DBInstance.update_from_cloudformation_json = classmethod(update_db_instance)
    # moto's DBInstance has no MasterUserSecret.SecretArn attribute.
    DBInstance.has_cfn_attr = classmethod(db_instance_has_cfn_attr)
    DBInstance.get_cfn_attribute = db_instance_cfn_attribute
    # moto's RDS-managed secret holds a fixed "admin"; RDS's holds the DB's master user and a new password.
    MasterUserSecret._generate_secret_string = _secret_string
    # moto sends a custom resource no Update event: the stack completes without waiting for an answer.
    CustomModel.update_from_cloudformation_json = classmethod(update_custom_resource)
    # moto reads `!Condition X` as {"Fn::Condition": X}, which makes every !And/!Or of conditions false.
    for module in (cloudformation_models, cloudformation_responses):
        module.yaml_tag_constructor = yaml_tag_constructor
    # moto updates only resources naming a changed parameter, and ignores changed Conditions.
    ResourceMap.update = staged_update
    # moto's UsePreviousValue fails (KeyError) for a parameter the stack took from its default.
    CloudFormationBackend._resolve_update_parameters = resolve_update_parameters
    # moto completes an update at once; CloudFormation waits for custom resources and rolls back on FAILED.
    Stack.update = stack_update
