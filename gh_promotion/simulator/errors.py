"""GitHub's error responses: a status, a `message`, a `documentation_url`, sometimes `errors`."""

from __future__ import annotations

from typing import Any

DOCS = "https://docs.github.com/rest"


class ApiError(Exception):
    """Raised anywhere in the simulator; rendered exactly as GitHub renders the same refusal."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        documentation_url: str = DOCS,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.errors = errors
        self.documentation_url = documentation_url
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            data["errors"] = self.errors
        data["documentation_url"] = self.documentation_url
        data["status"] = str(self.status)
        return data


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def bad_credentials() -> ApiError:
    return ApiError(401, "Bad credentials")


def installation_suspended() -> ApiError:
    """GitHub's refusal to mint or honour a token of an installation its owner suspended."""
    return ApiError(
        403,
        "This installation has been suspended",
        documentation_url=(
            "https://docs.github.com/rest/reference/apps"
            "#create-an-installation-access-token-for-an-app"
        ),
    )


def validation_failed(resource: str, message: str, field: str | None = None) -> ApiError:
    """422 "Validation Failed" with one custom error, as GitHub reports model validation."""
    error: dict[str, Any] = {"resource": resource, "code": "custom", "message": message}
    if field:
        error["field"] = field
    return ApiError(422, "Validation Failed", errors=[error])


def invalid_field(resource: str, field: str) -> ApiError:
    """422 "Validation Failed" with an `invalid` code, as for a missing PR branch."""
    return ApiError(
        422,
        "Validation Failed",
        errors=[{"resource": resource, "field": field, "code": "invalid"}],
    )


def missing_field(resource: str, field: str) -> ApiError:
    """422 "Validation Failed" for a required parameter that was not sent."""
    return ApiError(
        422,
        "Validation Failed",
        errors=[{"resource": resource, "field": field, "code": "missing_field"}],
    )
