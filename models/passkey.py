"""Passkeys (WebAuthn credentials): one document per registered authenticator key."""
from pymongo import ASCENDING, IndexModel

from models.base import BaseModel, Field, to_json_safe

DEVICE_NAME_MAX = 64


class Passkey(BaseModel):
    collection_name = "passkeys"
    not_found_message = "Passkey not found"
    fields = {
        "user_id": Field(),
        "credential_id": Field(),             # unpadded base64url, as browsers send it
        "public_key": Field(private=True),    # COSE key bytes
        "sign_count": Field(0),
        "aaguid": Field(None),
        "device_name": Field(None),
        "device_name_lower": Field(None, private=True),
        "last_used": Field(None),
    }
    indexes = [
        IndexModel([("credential_id", ASCENDING)], unique=True, name="credential_unique"),
        IndexModel([("user_id", ASCENDING), ("created_at", ASCENDING)], name="user_created"),
        # Names are unique per user, case-insensitively; unnamed keys (null) may repeat.
        IndexModel([("user_id", ASCENDING), ("device_name_lower", ASCENDING)],
                   unique=True, name="user_device_name_unique",
                   partialFilterExpression={"device_name_lower": {"$type": "string"}}),
    ]

    @classmethod
    def by_credential_id(cls, credential_id):
        if not isinstance(credential_id, str):
            return None
        return cls.find_one({"credential_id": credential_id})

    @classmethod
    def of_user(cls, user_id, limit=100, offset=0):
        return cls.find({"user_id": user_id}, sort=[("created_at", ASCENDING)],
                        skip=offset, limit=limit)


def passkey_view(doc):
    """The contract's list item."""
    return {
        "credential_id": doc["credential_id"],
        "device_name": doc.get("device_name"),
        "created_at": to_json_safe(doc["created_at"]),
        "last_used": to_json_safe(doc.get("last_used")),
    }
