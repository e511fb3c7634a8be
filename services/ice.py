"""ICE servers for WebRTC clients: the configured STUN servers and, when TURN
is configured, time-limited TURN credentials in coturn's REST-API form
(`use-auth-secret`): username = "<expiry unix time>:<user id>",
credential = base64(HMAC-SHA1(TURN_SECRET, username)). coturn checks the
same HMAC and refuses the credential after the expiry, so nothing is stored.
"""
import base64
import hashlib
import hmac

from utils.time import utcnow


def turn_credential(secret, user_id, ttl_seconds, now=None):
    expiry = int((now or utcnow()).timestamp()) + ttl_seconds
    username = f"{expiry}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def ice_servers_for(user_id, config):
    """`{ice_servers: [RTCIceServer...], ttl}` for `user_id` under `config` (a mapping)."""
    servers = [{"urls": url} for url in config["VOIP_STUN_URLS"]]
    ttl = config["TURN_TTL_SECONDS"]
    if config["TURN_URLS"] and config["TURN_SECRET"]:
        username, credential = turn_credential(config["TURN_SECRET"], user_id, ttl)
        servers.append({"urls": list(config["TURN_URLS"]), "username": username,
                        "credential": credential})
    return {"ice_servers": servers, "ttl": ttl}
