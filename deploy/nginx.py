"""Render deploy/nginx.conf.template for a list of Parley processes.

    python -m deploy.nginx --listen 0.0.0.0:80 --server parley1:8000 --server parley2:8000 \
        [--prefix /var/lib/nginx-parley/] [--metrics-allow 10.0.0.0/8] > parley.conf
"""
import argparse
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
PROXY_HEADERS = (
    ("Host", "$http_host"),  # the origin check compares Origin with this host
    ("X-Real-IP", "$remote_addr"),
    ("X-Forwarded-For", "$proxy_add_x_forwarded_for"),  # TRUSTED_PROXIES=1 reads it
    ("X-Forwarded-Proto", "$scheme"),
    ("X-Forwarded-Host", "$http_host"),
)


def render(listen, servers, prefix="", metrics_allow=("127.0.0.1",), max_body="16m"):
    """The nginx.conf text; `prefix` ends with '/' (or is '' for nginx's -p prefix)."""
    if not servers:
        raise ValueError("at least one Parley server is needed")
    access = [f"            allow {network};" for network in metrics_allow]
    access.append("            deny all;")
    replacements = {
        "@@PREFIX@@": prefix,
        "@@LISTEN@@": listen,
        "@@SERVERS@@": "\n".join(f"        server {server} max_fails=3 fail_timeout=10s;"
                                 for server in servers),
        "@@METRICS_ACCESS@@": "\n".join(access),
        "@@MAX_BODY@@": max_body,
        "@@PROXY_HEADERS@@": "\n".join(f"            proxy_set_header {name} {value};"
                                        for name, value in PROXY_HEADERS),
    }
    text = TEMPLATE.read_text()
    for placeholder, value in replacements.items():
        text = text.replace(placeholder, value)
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listen", default="0.0.0.0:80")
    parser.add_argument("--server", action="append", required=True, help="host:port, repeat")
    parser.add_argument("--prefix", default="")
    parser.add_argument("--metrics-allow", action="append", default=None)
    args = parser.parse_args(argv)
    print(render(args.listen, args.server, args.prefix,
                 tuple(args.metrics_allow or ("127.0.0.1",))), end="")


if __name__ == "__main__":
    main()
