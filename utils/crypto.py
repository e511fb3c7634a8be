"""Hashing, encryption and one-time codes: every secret Parley keeps goes through here."""
import base64
import functools
import hashlib
import hmac
import secrets

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

from utils.time import utcnow

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters


def hash_password(password):
    return _hasher.hash(password)


def verify_password(stored_hash, password):
    if not stored_hash:
        _burn()  # spend the time a real check takes, so timing tells nothing
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _burn():
    try:
        _hasher.verify(_dummy_hash(), "wrong")
    except VerificationError:
        pass


@functools.cache
def _dummy_hash():
    # Made on first use, not at import: an argon2 hash costs ~0.3 s of start-up.
    return _hasher.hash("parley-dummy-password")


def _derived_key(purpose):
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, purpose.encode(), hashlib.sha256).digest()


def _fernet():
    return Fernet(base64.urlsafe_b64encode(_derived_key("totp-secret-encryption")))


def encrypt_secret(plain):
    return _fernet().encrypt(plain.encode()).decode()


def decrypt_secret(token):
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, AttributeError):
        return None


def hash_code(code):
    """A keyed hash for short codes (email, backup): fast to check, useless without the key."""
    return hmac.new(_derived_key("one-time-codes"), code.encode(), hashlib.sha256).hexdigest()


def code_matches(stored_hash, code):
    return bool(stored_hash) and hmac.compare_digest(stored_hash, hash_code(code))


def random_digits(length):
    return "".join(secrets.choice("0123456789") for _ in range(length))


def new_backup_codes(count=10):
    codes = [random_digits(8) for _ in range(count)]
    return codes, [hash_code(code) for code in codes]


# ----- TOTP (RFC 6238: SHA-1, 6 digits, 30 s, previous/current/next step) -----

def new_totp_secret():
    return pyotp.random_base32()


def totp_uri(secret, username, issuer="Parley"):
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def totp_matching_step(secret, code, last_used_step=None):
    """The time step `code` is valid for (±1 step), or None. A step at or before
    `last_used_step` is refused, so an observed code cannot be replayed."""
    if not secret or not isinstance(code, str) or len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(utcnow())
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            if last_used_step is not None and step <= last_used_step:
                return None
            return step
    return None
