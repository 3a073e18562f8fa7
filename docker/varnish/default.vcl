vcl 4.1;
# Varnish in front of the Kooperationsatlas (docker-compose.yml, docs/operations.md).
#
# The edge half of the one cache policy of kooperationsatlas.caching: the application
# decides what may be cached (it marks such responses with "Surrogate-Control: max-age=N",
# the page cache's lifetime); Varnish stores exactly those and answers them without
# Python. Any PURGE from the application (wagtail.contrib.frontend_cache's HTTPBackend,
# sent after every commit that changes public content) bans every stored page, as a new
# content generation makes every page of the application's own cache stale.
#
# benchmarks/load.py --edge varnish and tests/test_edge_cache.py use this file with the
# backend address replaced (edge.vcl_for_backend).

import std;

backend app {
    .host = "app";
    .port = "8000";
    .connect_timeout = 5s;
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 60s;
}

# Who may purge: the application. In parentheses: ignored where the name does not resolve.
acl purgers {
    "127.0.0.1";
    "::1";
    ("app");
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        ban("obj.status != 0");
        return (synth(200, "Purged"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Signed-in users (session), pending messages and API clients with credentials are
    # never served from the cache and never fill it (as in kooperationsatlas.caching).
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    return (hash);
}

sub vcl_hash {
    # Scheme, host and the full path with its query string, as the application's key.
    hash_data(req.http.X-Forwarded-Proto);
    hash_data(req.http.host);
    hash_data(req.url);
    return (lookup);
}

sub vcl_backend_response {
    # A cookie is never stored for everyone, even if a response asked for it.
    if (beresp.status == 200 && !beresp.http.Set-Cookie
            && beresp.http.Surrogate-Control ~ "max-age=[0-9]+") {
        set beresp.ttl = std.duration(
            regsub(beresp.http.Surrogate-Control, "^.*max-age=([0-9]+).*$", "\1") + "s", 0s);
        set beresp.grace = 0s;
        unset beresp.http.Surrogate-Control;
        # The application's policy already excluded what differs per visitor (cookies,
        # CSRF tokens, "Vary: *"); one stored copy serves every anonymous visitor.
        if (beresp.http.Vary) {
            set beresp.http.X-Stored-Vary = beresp.http.Vary;
            unset beresp.http.Vary;
        }
        return (deliver);
    }
    # Everything else goes to the application every time (hit-for-miss for two minutes,
    # so that a later cacheable answer is stored again at once).
    set beresp.uncacheable = true;
    set beresp.ttl = 120s;
    return (deliver);
}

sub vcl_deliver {
    if (resp.http.X-Stored-Vary) {
        set resp.http.Vary = resp.http.X-Stored-Vary;
        unset resp.http.X-Stored-Vary;
    }
    if (obj.hits > 0) {
        set resp.http.X-Edge-Cache = "HIT";
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Edge-Cache = "MISS";
    }
}
