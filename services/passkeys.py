"""Passkeys (WebAuthn, rest-accounts §1.6 and §2): registration and sign-in
ceremonies, and the signed-in user's list of keys.

A ceremony is two requests: the options carry a random challenge, which the
route keeps in the browser's server-side session (`store`, passed in here);
the verify step takes it back out. A challenge is single use (popped from
the session and also claimed once in Redis, so two racing requests carrying
the same cookie cannot both use it) and lives CHALLENGE_TTL.
"""
import base64
import functools
import hashlib
import json
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlparse

from flask import current_app
from pymongo.errors import DuplicateKeyError

from models.passkey import DEVICE_NAME_MAX, Passkey, passkey_view
from models.user import User
from services import auth_service
from utils.errors import Unauthorized, ValidationFailed
from utils.redis_client import get_redis, key
from utils.text import sanitize_text
from utils.time import utcnow

CHALLENGE_TTL = timedelta(minutes=5)
TIMEOUT_MS = 60000
RP_NAME = "Parley"
MAX_KEYS_PER_USER = 100
NO_CHALLENGE = "No challenge found. Please try again."
DUPLICATE_NAME = "A passkey with this name already exists"


@functools.cache
def webauthn_lib():
    """The webauthn library, imported at the first passkey ceremony rather than at
    start: with pyasn1, cbor2 and pyOpenSSL it is 0.06 s of every start-up, 0.15 s
    without compiled bytecode (issue 12, `python -X importtime`), and few requests
    are ceremonies. A third-party import, so no cycle is at stake.

    `algorithms`: the COSE algorithms Parley accepts. `bad_credential_errors`:
    what the parsers and verifiers raise on a malformed or forged credential."""
    import webauthn
    from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, structs
    from webauthn.helpers.cose import COSEAlgorithmIdentifier
    from webauthn.helpers.exceptions import WebAuthnException

    return SimpleNamespace(
        generate_registration_options=webauthn.generate_registration_options,
        verify_registration_response=webauthn.verify_registration_response,
        generate_authentication_options=webauthn.generate_authentication_options,
        verify_authentication_response=webauthn.verify_authentication_response,
        options_to_json=webauthn.options_to_json,
        base64url_to_bytes=base64url_to_bytes, bytes_to_base64url=bytes_to_base64url,
        structs=structs,
        algorithms=[COSEAlgorithmIdentifier.ECDSA_SHA_256,
                    COSEAlgorithmIdentifier.RSASSA_PKCS1_v1_5_SHA_256],
        bad_credential_errors=(WebAuthnException, ValueError, TypeError, KeyError, IndexError),
    )


# ----- relying party -----

def rp_id():
    return current_app.config.get("PASSKEY_RP_ID") or urlparse(expected_origin()).hostname


def expected_origin():
    return current_app.config["FRONTEND_URL"].rstrip("/")


# ----- the registration wizard's passkey step -----
#
# The wizard's optional passkey step comes after recovery-code/set, which ends
# the wizard's hold on the account; this narrower binding (passkeys only, for
# WIZARD_PASSKEY_TTL) lets the same browser session add its first passkey.

WIZARD_PASSKEY_TTL = timedelta(minutes=30)


def bind_wizard(store, user_id):
    store["passkey_wizard"] = {"user_id": str(user_id),
                               "until": (utcnow() + WIZARD_PASSKEY_TTL).timestamp()}


def wizard_user_id(store):
    """The account this browser session is registering, if any."""
    if store.get("registration_user_id"):
        return store["registration_user_id"]
    binding = store.get("passkey_wizard")
    if isinstance(binding, dict) and binding.get("until", 0) > utcnow().timestamp():
        return binding.get("user_id")
    return None


def release_wizard(store):
    store.pop("passkey_wizard", None)


# ----- challenges -----

def remember_challenge(store, purpose, challenge, user_id=None):
    store[f"passkey_{purpose}_challenge"] = {
        "challenge": webauthn_lib().bytes_to_base64url(challenge),
        "expires_at": (utcnow() + CHALLENGE_TTL).timestamp(),
        "user_id": user_id,
    }


def take_challenge(store, purpose, error=ValidationFailed):
    """The challenge of this session's last `purpose` options, consumed; else `error`."""
    entry = store.pop(f"passkey_{purpose}_challenge", None)
    if not isinstance(entry, dict) or entry.get("expires_at", 0) <= utcnow().timestamp():
        raise error(NO_CHALLENGE)
    digest = hashlib.sha256(entry["challenge"].encode()).hexdigest()
    ttl = int(CHALLENGE_TTL.total_seconds())
    if not get_redis().set(key("passkey_challenge_used", digest), 1, nx=True, ex=ttl):
        raise error(NO_CHALLENGE)
    return webauthn_lib().base64url_to_bytes(entry["challenge"]), entry.get("user_id")


def _options_json(options):
    # options_to_json turns bytes into base64url and the algorithm enums into ints
    return json.loads(webauthn_lib().options_to_json(options))


def _padded(challenge):
    return base64.urlsafe_b64encode(challenge).decode()


# ----- registration -----

def registration_options(user, store):
    """`(options, padded challenge)` for adding a passkey to `user`."""
    lib = webauthn_lib()
    structs = lib.structs
    existing = Passkey.of_user(user["_id"], limit=MAX_KEYS_PER_USER)
    options = lib.generate_registration_options(
        rp_id=rp_id(), rp_name=RP_NAME, user_name=user["username"],
        user_id=str(user["_id"]).encode(), user_display_name=user["username"],
        timeout=TIMEOUT_MS,
        authenticator_selection=structs.AuthenticatorSelectionCriteria(
            authenticator_attachment=structs.AuthenticatorAttachment.PLATFORM,
            resident_key=structs.ResidentKeyRequirement.PREFERRED,
            user_verification=structs.UserVerificationRequirement.REQUIRED),
        exclude_credentials=[
            structs.PublicKeyCredentialDescriptor(id=lib.base64url_to_bytes(doc["credential_id"]))
            for doc in existing],
        supported_pub_key_algs=lib.algorithms,
    )
    remember_challenge(store, "register", options.challenge, str(user["_id"]))
    return _options_json(options), _padded(options.challenge)


def register(user, store, credential, device_name=None):
    """Verify the authenticator's attestation and store the new passkey; its id."""
    if not credential:
        raise ValidationFailed("Credential data is required")
    challenge, challenge_user = take_challenge(store, "register")
    if challenge_user != str(user["_id"]):
        raise ValidationFailed(NO_CHALLENGE)  # options were made for another account
    name = clean_device_name(device_name) if device_name is not None else None
    if name and _name_taken(user["_id"], name):
        raise ValidationFailed(DUPLICATE_NAME)
    lib = webauthn_lib()
    try:
        verified = lib.verify_registration_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp_id(),
            expected_origin=expected_origin(), require_user_verification=True,
            supported_pub_key_algs=lib.algorithms)
    except lib.bad_credential_errors:
        raise ValidationFailed("Passkey registration verification failed") from None
    credential_id = lib.bytes_to_base64url(verified.credential_id)
    try:
        Passkey.insert(user_id=user["_id"], credential_id=credential_id,
                       public_key=verified.credential_public_key, sign_count=verified.sign_count,
                       aaguid=verified.aaguid, device_name=name or None,
                       device_name_lower=name.lower() if name else None)
    except DuplicateKeyError as exc:
        taken = "device_name" in str(exc.details or exc)
        raise ValidationFailed(DUPLICATE_NAME if taken else "Failed to store passkey") from None
    return credential_id


def clean_device_name(device_name):
    return sanitize_text(device_name).strip()[:DEVICE_NAME_MAX].strip()


def _name_taken(user_id, name):
    return Passkey.find_one({"user_id": user_id, "device_name_lower": name.lower()}) is not None


# ----- sign-in -----

def authentication_options(store, identifier=None):
    """`(options, padded challenge)`; with a known identifier, that user's keys are listed."""
    user = User.by_identifier(identifier.strip()) if identifier and identifier.strip() else None
    keys = Passkey.of_user(user["_id"], limit=MAX_KEYS_PER_USER) if user else []
    lib = webauthn_lib()
    structs = lib.structs
    options = lib.generate_authentication_options(
        rp_id=rp_id(), timeout=TIMEOUT_MS,
        user_verification=structs.UserVerificationRequirement.REQUIRED,
        allow_credentials=[
            structs.PublicKeyCredentialDescriptor(id=lib.base64url_to_bytes(doc["credential_id"]))
            for doc in keys])
    remember_challenge(store, "auth", options.challenge)
    return _options_json(options), _padded(options.challenge)


def authenticate(store, credential, identifier=None):
    """Like auth_service.login_passwordless: the user, or `("email_2fa", user)`."""
    if not credential:
        raise ValidationFailed("Credential is required")
    challenge, _ = take_challenge(store, "auth", error=Unauthorized)
    passkey = Passkey.by_credential_id(credential["id"].rstrip("="))
    if passkey is None:
        raise Unauthorized("Passkey not found")
    user = User.get(passkey["user_id"])
    if user is None or user.get("is_deleted"):
        raise Unauthorized("User not found")
    if identifier and identifier.strip():
        named = User.by_identifier(identifier.strip())
        if named is None or named["_id"] != user["_id"]:
            raise Unauthorized("Invalid credential")
    _check_user_handle(credential, user)
    _verify_assertion(credential, challenge, passkey)
    return auth_service.finish_sign_in(user)


def _check_user_handle(credential, user):
    """A discoverable credential names its account; it must be the key's owner."""
    handle = (credential.get("response") or {}).get("userHandle")
    if handle in (None, ""):
        return
    lib = webauthn_lib()
    try:
        matches = lib.base64url_to_bytes(handle) == str(user["_id"]).encode()
    except lib.bad_credential_errors:
        matches = False
    if not matches:
        raise Unauthorized("Invalid credential")


def _verify_assertion(credential, challenge, passkey):
    lib = webauthn_lib()
    try:
        verified = lib.verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp_id(),
            expected_origin=expected_origin(), credential_public_key=passkey["public_key"],
            credential_current_sign_count=passkey["sign_count"], require_user_verification=True)
    except lib.bad_credential_errors:
        # includes a signature counter that did not go up (a cloned or replayed key)
        raise Unauthorized("Passkey verification failed") from None
    # Compare-and-set on the counter: of two racing assertions, one wins.
    stored = Passkey.update(passkey["_id"], set_={"sign_count": verified.new_sign_count,
                                                 "last_used": utcnow()},
                            query={"sign_count": passkey["sign_count"]})
    if stored is None:
        raise Unauthorized("Passkey verification failed")


# ----- the signed-in user's keys -----

def list_passkeys(user, limit, offset):
    docs = Passkey.of_user(user["_id"], limit=limit, offset=offset)
    return [passkey_view(doc) for doc in docs], Passkey.count({"user_id": user["_id"]})


def rename(user, credential_id, device_name):
    name = clean_device_name(device_name or "")
    if not name:
        raise ValidationFailed("device_name is required")
    try:
        updated = Passkey.collection().find_one_and_update(
            {"user_id": user["_id"], "credential_id": credential_id},
            {"$set": {"device_name": name, "device_name_lower": name.lower(),
                      "updated_at": utcnow()}})
    except DuplicateKeyError:
        raise ValidationFailed(DUPLICATE_NAME) from None
    if updated is None:
        raise ValidationFailed("Failed to update passkey")


def remove(user, credential_id):
    result = Passkey.collection().delete_one({"user_id": user["_id"], "credential_id": credential_id})
    if result.deleted_count != 1:
        raise ValidationFailed("Failed to remove passkey")


def forget_user(user_id):
    """Account deletion: the account's passkeys go with it."""
    Passkey.collection().delete_many({"user_id": user_id})
