"""Handlers for awslambdaric (AWS's Python runtime client) running against our emulator."""
import os


def echo(event, context):
    return event


def context(event, context):
    identity = context.identity
    return {
        "aws_request_id": context.aws_request_id,
        "invoked_function_arn": context.invoked_function_arn,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "custom": context.client_context.custom if context.client_context else None,
        "cognito_identity_id": identity.cognito_identity_id if identity else None,
        "cognito_identity_pool_id": identity.cognito_identity_pool_id if identity else None,
        "trace": os.environ.get("_X_AMZN_TRACE_ID"),
    }


def boom(event, context):
    raise ValueError("boom")
