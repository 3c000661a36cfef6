"""The policy evaluator (Tests/support/iam/evaluator.py) held to AWS's documented examples and rules, so the
template's scoping can be tested with it."""
import sys
import pathlib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support" / "iam"))
import evaluator  # noqa: E402
from evaluator import ALLOW, DENY, IMPLICIT_DENY, decide, tag_context  # noqa: E402


def test_explicit_deny_wins_over_allow_and_nothing_matching_is_an_implicit_deny():
    # "Policy evaluation logic": an explicit deny in any policy overrides any allow.
    policy = {"Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::prod"},
    ]}
    assert decide(policy, "s3:DeleteBucket", "arn:aws:s3:::prod") == DENY
    assert decide(policy, "s3:DeleteBucket", "arn:aws:s3:::dev") == ALLOW
    assert decide(policy, "ec2:RunInstances", "*") == IMPLICIT_DENY


def test_actions_ignore_case_and_take_wildcards_and_arns_do_not_ignore_case():
    policy = {"Statement": [{"Effect": "Allow", "Action": "iam:*AccessKey*", "Resource": "arn:aws:iam::111122223333:user/*"}]}
    assert decide(policy, "IAM:CreateAccessKey", "arn:aws:iam::111122223333:user/bob") == ALLOW
    assert decide(policy, "iam:ListAccessKeys", "arn:aws:iam::111122223333:USER/bob") == IMPLICIT_DENY
    assert decide({"Statement": [{"Effect": "Allow", "Action": "rds:Describe?BClusters", "Resource": "*"}]},
                  "rds:DescribeDBClusters", "arn:aws:rds:us-east-1:1:cluster:a") == ALLOW


def test_not_action_and_not_resource():
    policy = {"Statement": [{"Effect": "Deny", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::keep/*"},
                            {"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    assert decide(policy, "s3:GetObject", "arn:aws:s3:::other/x") == DENY
    assert decide(policy, "s3:GetObject", "arn:aws:s3:::keep/x") == ALLOW
    assert decide(policy, "iam:GetUser", "arn:aws:iam::1:user/x") == ALLOW


def test_string_equals_on_a_principal_tag_as_the_condition_operators_page_shows():
    # The documented example: aws:PrincipalTag/job-category must be iamuser-admin; an absent key
    # means the values do not match.
    policy = {"Statement": {"Effect": "Allow", "Action": "iam:*AccessKey*", "Resource": "arn:aws:iam::111122223333:user/*",
                            "Condition": {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}}}
    user = "arn:aws:iam::111122223333:user/alice"
    assert decide(policy, "iam:CreateAccessKey", user, {"aws:PrincipalTag/job-category": "iamuser-admin"}) == ALLOW
    assert decide(policy, "iam:CreateAccessKey", user, {"aws:PrincipalTag/job-category": "IAMUSER-ADMIN"}) == IMPLICIT_DENY
    assert decide(policy, "iam:CreateAccessKey", user, {}) == IMPLICIT_DENY
    # Condition key names are case-insensitive.
    assert decide(policy, "iam:CreateAccessKey", user, {"AWS:PrincipalTag/job-category": "iamuser-admin"}) == ALLOW


def test_a_negated_operator_is_true_when_the_key_is_absent_and_ifexists_and_null_test_presence():
    deny_untagged = {"Statement": [
        {"Effect": "Allow", "Action": "rds:DeleteDBInstance", "Resource": "*"},
        {"Effect": "Deny", "Action": "rds:DeleteDBInstance", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:ResourceTag/team": ["a", "b"]}}},
    ]}
    arn = "arn:aws:rds:us-east-1:1:db:x"
    assert decide(deny_untagged, "rds:DeleteDBInstance", arn, tag_context({"team": "a"})) == ALLOW
    assert decide(deny_untagged, "rds:DeleteDBInstance", arn, tag_context({"team": "b"})) == ALLOW  # NOR of the values
    assert decide(deny_untagged, "rds:DeleteDBInstance", arn, tag_context({"team": "c"})) == DENY
    assert decide(deny_untagged, "rds:DeleteDBInstance", arn, tag_context({})) == DENY  # absent: negated is true
    if_exists = {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
                               "Condition": {"StringEqualsIfExists": {"aws:ResourceTag/team": "a"}}}}
    assert decide(if_exists, "rds:DeleteDBInstance", arn, {}) == ALLOW
    assert decide(if_exists, "rds:DeleteDBInstance", arn, tag_context({"team": "z"})) == IMPLICIT_DENY
    null = {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"Null": {"aws:RequestTag/team": "false"}}}}
    assert decide(null, "rds:AddTagsToResource", arn, tag_context(request_tags={"team": "a"})) == ALLOW
    assert decide(null, "rds:AddTagsToResource", arn, {}) == IMPLICIT_DENY


def test_operators_keys_and_values_combine_as_documented():
    # Two operators AND, two keys AND, two values OR.
    policy = {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
        "StringEquals": {"aws:RequestTag/env": ["dev", "test"], "aws:RequestTag/owner": "me"},
        "StringLike": {"aws:ResourceTag/name": "staging-*"}}}}
    good = {"aws:RequestTag/env": "test", "aws:RequestTag/owner": "me", "aws:ResourceTag/name": "staging-1"}
    assert decide(policy, "x:Y", "*", good) == ALLOW
    for key, value in (("aws:RequestTag/env", "prod"), ("aws:RequestTag/owner", "you"), ("aws:ResourceTag/name", "prod-1")):
        assert decide(policy, "x:Y", "*", {**good, key: value}) == IMPLICIT_DENY, key


def test_set_operators_on_multivalued_tag_keys():
    # The multi-value page: ForAllValues is true if every request value is in the policy's set, and
    # also when the key is absent; ForAnyValue needs at least one match.
    only_these = {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
                                "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}}}
    assert decide(only_these, "ec2:CreateTags", "*", {"aws:TagKeys": ["environment"]}) == ALLOW
    assert decide(only_these, "ec2:CreateTags", "*", {"aws:TagKeys": ["environment", "owner"]}) == IMPLICIT_DENY
    assert decide(only_these, "ec2:CreateTags", "*", {}) == ALLOW
    any_of = {"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*",
                            "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": "aws:*"}}}}
    assert decide(any_of, "rds:AddTagsToResource", "*", {"aws:TagKeys": ["a", "aws:cloudformation:stack-id"]}) == DENY
    assert decide(any_of, "rds:AddTagsToResource", "*", {"aws:TagKeys": ["a"]}) == IMPLICIT_DENY
    assert decide(any_of, "rds:AddTagsToResource", "*", {}) == IMPLICIT_DENY


def test_bool_and_arn_operators():
    policy = {"Statement": [{"Effect": "Allow", "Action": "kms:CreateGrant", "Resource": "*",
                             "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"},
                                           "ArnLike": {"aws:SourceArn": "arn:aws:rds:*:111122223333:cluster:*"}}}]}
    context = {"kms:GrantIsForAWSResource": "True", "aws:SourceArn": "arn:aws:rds:us-east-1:111122223333:cluster:s"}
    assert decide(policy, "kms:CreateGrant", "k", context) == ALLOW
    assert decide(policy, "kms:CreateGrant", "k", {**context, "kms:GrantIsForAWSResource": "false"}) == IMPLICIT_DENY


def test_aws_refuses_tags_with_the_reserved_prefix_for_every_principal():
    assert evaluator.tagging_refused_by_aws(["aws:cloudformation:stack-id"])
    assert evaluator.tagging_refused_by_aws(["AWS:cloudformation:stack-name"])
    assert not evaluator.tagging_refused_by_aws(["staging-refresh:stack"])
