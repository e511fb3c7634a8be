"""Bodies of the passkey endpoints and of the extended /api/auth endpoints
(verify-totp, change-password)."""
from typing import Any, Optional

from pydantic import Field, field_validator

from schemas.auth import WizardTarget
from utils.validation import Schema

MAX_CREDENTIAL_FIELD = 64 * 1024  # base64url of clientDataJSON / attestationObject / signature


class Credential(Schema):
    """A PublicKeyCredential as JSON (@simplewebauthn/browser); binary fields base64url."""

    id: str = Field(min_length=1, max_length=1400)
    rawId: str = Field(min_length=1, max_length=1400)
    type: str = Field(max_length=20)
    response: dict[str, Any]
    authenticatorAttachment: Optional[str] = Field(default=None, max_length=40)

    @field_validator("response")
    @classmethod
    def plain_strings(cls, value):
        if len(value) > 20:
            raise ValueError("has too many keys")
        for name, item in value.items():
            if isinstance(item, list):  # `transports`
                if len(item) > 10 or not all(isinstance(t, str) and len(t) < 40 for t in item):
                    raise ValueError(f"{name} must be a short list of strings")
            elif isinstance(item, (int, float)) and not isinstance(item, bool):
                continue  # `publicKeyAlgorithm`
            elif item is not None and not isinstance(item, str):
                raise ValueError(f"{name} must be a string")
            elif isinstance(item, str) and len(item) > MAX_CREDENTIAL_FIELD:
                raise ValueError(f"{name} is too long")
        return value


class RegisterOptions(WizardTarget):
    pass


class RegisterVerify(WizardTarget):
    credential: Optional[Credential] = None
    device_name: Optional[str] = Field(default=None, max_length=500)


class AuthOptions(Schema):
    identifier: Optional[str] = Field(default=None, max_length=320)


class AuthVerify(AuthOptions):
    credential: Optional[Credential] = None


class Rename(Schema):
    device_name: Optional[str] = Field(default=None, max_length=500)


class VerifyTotp(Schema):
    user_id: Optional[str] = Field(default=None, max_length=24)
    totp_code: Optional[str] = Field(default=None, max_length=20)
    is_setup: bool = False


class ChangePassword(Schema):
    current_password: str = Field(max_length=128)
    new_password: str = Field(max_length=128)
