"""Extension singletons, created unbound here and bound in `create_app`."""
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_socketio import SocketIO

socketio = SocketIO()
cors = CORS()
# Keyed by the client address; ProxyFix (TRUSTED_PROXIES) decides what that is,
# so a client cannot pick its own key with a forged X-Forwarded-For.
limiter = Limiter(key_func=get_remote_address, headers_enabled=True,
                  key_prefix="parley-rl", strategy="moving-window")
