"""An IAM policy evaluator for identity-based policies in one account, implementing AWS's documented
semantics for what this project's policies use. It decides a request the way AWS does:

- "Policy evaluation logic": an explicit Deny in any statement wins; otherwise an Allow that matches
  allows; otherwise the request is implicitly denied.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
- Action names match without regard to case, with `*` and `?` wildcards; ARNs match case-sensitively
  with the same wildcards. `NotAction` and `NotResource` match what they do not list.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
- Conditions: several operators in a block, and several keys under one operator, are ANDed; several
  values for one key are ORed (NORed for a negated operator). A key absent from the request context
  makes a positive operator false and a negated one (StringNotEquals, StringNotLike, ArnNotLike)
  true; `...IfExists` is true when the key is absent; `Null` tests absence itself. `ForAllValues:`
  is true when every request value matches some policy value (and when the key is absent);
  `ForAnyValue:` when at least one does (false when absent).
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html

Condition keys are case-insensitive in their names; values compare as the operator says.

A request is (action, resource ARN, context), where the context maps condition keys to a string or a
list of strings: `aws:ResourceTag/<key>` for each tag of the resource, `aws:RequestTag/<key>` and
`aws:TagKeys` for tags in the request, and so on.
"""
import re

ALLOW, DENY, IMPLICIT_DENY = "Allow", "Deny", "ImplicitDeny"


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _wildcard(pattern: str, text: str, ignore_case: bool) -> bool:
    # Only * and ? are wildcards in IAM; everything else is literal.
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    flags = (re.IGNORECASE if ignore_case else 0) | re.DOTALL
    return re.fullmatch(regex, text, flags) is not None


def action_matches(pattern: str, action: str) -> bool:
    return _wildcard(pattern, action, ignore_case=True)


def resource_matches(pattern: str, arn: str) -> bool:
    return _wildcard(pattern, arn, ignore_case=False)


def _string_compare(base: str, policy_value: str, request_value: str) -> bool:
    if base in ("StringEquals", "StringNotEquals", "ArnEquals", "ArnNotEquals"):
        if base.startswith("Arn"):
            return _wildcard(policy_value, request_value, ignore_case=False)
        return policy_value == request_value
    if base in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
        return policy_value.lower() == request_value.lower()
    if base in ("StringLike", "StringNotLike", "ArnLike", "ArnNotLike"):
        return _wildcard(policy_value, request_value, ignore_case=False)
    if base == "Bool":
        return policy_value.lower() == request_value.lower()
    raise ValueError(f"condition operator {base} is not implemented by this evaluator")


NEGATED = {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike"}


def _lookup(context: dict, key: str):
    for name, value in context.items():
        if name.lower() == key.lower():
            return _as_list(value)
    return None


def condition_holds(operator: str, key: str, policy_values, context: dict) -> bool:
    policy_values = [str(v).lower() if isinstance(v, bool) else str(v) for v in _as_list(policy_values)]
    request_values = _lookup(context, key)
    qualifier, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    if base == "Null":
        absent = request_values is None or request_values == []
        return all((value.lower() == "true") == absent for value in policy_values)
    negated = base in NEGATED

    def one(value):  # does one request value satisfy the operator?
        matched = any(_string_compare(base, p, value) for p in policy_values)
        return not matched if negated else matched

    if qualifier == "ForAllValues":
        return request_values is None or all(one(v) for v in request_values)
    if qualifier == "ForAnyValue":
        return request_values is not None and any(one(v) for v in request_values)
    if qualifier:
        raise ValueError(f"set operator {qualifier} is not implemented")
    if request_values is None:
        return True if if_exists else negated
    # A single-valued key: the request carries one value.
    return one(request_values[0])


def statement_applies(statement: dict, action: str, resource: str, context: dict) -> bool:
    if "Action" in statement:
        if not any(action_matches(p, action) for p in _as_list(statement["Action"])):
            return False
    elif "NotAction" in statement:
        if any(action_matches(p, action) for p in _as_list(statement["NotAction"])):
            return False
    if "Resource" in statement:
        if not any(resource_matches(p, resource) for p in _as_list(statement["Resource"])):
            return False
    elif "NotResource" in statement:
        if any(resource_matches(p, resource) for p in _as_list(statement["NotResource"])):
            return False
    for operator, keys in (statement.get("Condition") or {}).items():
        for key, values in keys.items():
            if not condition_holds(operator, key, values, context):
                return False
    return True


def decide(policies, action: str, resource: str, context: dict = None) -> str:
    """ALLOW, DENY (an explicit Deny matched) or IMPLICIT_DENY, for a request against every
    statement of `policies` (policy documents, or statements)."""
    context = context or {}
    statements = []
    for policy in _as_list(policies):
        statements += _as_list(policy.get("Statement")) if "Statement" in policy else [policy]
    applying = [s for s in statements if statement_applies(s, action, resource, context)]
    if any(s["Effect"] == "Deny" for s in applying):
        return DENY
    if any(s["Effect"] == "Allow" for s in applying):
        return ALLOW
    return IMPLICIT_DENY


def tag_context(resource_tags: dict = None, request_tags: dict = None) -> dict:
    """The request context of a call on a resource carrying `resource_tags` and sending `request_tags`."""
    context = {f"aws:ResourceTag/{k}": v for k, v in (resource_tags or {}).items()}
    if request_tags:
        context.update({f"aws:RequestTag/{k}": v for k, v in request_tags.items()})
        context["aws:TagKeys"] = list(request_tags)
    return context


# AWS's own rule, before any policy: no principal may add, change or remove a tag whose key starts
# with "aws:" ("The aws: prefix is reserved for AWS use"; RDS: "Tag keys ... can't be prefixed with
# aws: or rds:", https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Tag.html).
RESERVED_TAG_PREFIXES = ("aws:",)


def tagging_refused_by_aws(tag_keys) -> bool:
    return any(key.lower().startswith(RESERVED_TAG_PREFIXES) for key in tag_keys)

