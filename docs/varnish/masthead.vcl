vcl 4.1;

# Varnish 7 (tested with 7.1, Debian's) in front of Masthead, purged by cache tag.
#
# Masthead marks each public GraphQL response (GET /graphql?query=...) with Cache-Control (max-age for browsers,
# s-maxage for shared caches, stale-while-revalidate), a strong ETag, and its cache tags in Surrogate-Key. When content
# changes it sends this Varnish `PURGE /` with the changed tags in an `xkey-purge` header (CDN_PURGE_STYLE=xkey,
# CDN_PURGE_URL=http://<varnish>:<port>/), and the responses carrying any of them are dropped.
#
# Needs vmod xkey (Debian: apt-get install varnish varnish-modules). Run, for example:
#   varnishd -F -f /path/to/masthead.vcl -a :6081 -s malloc,256m
# and give the gateway TRUST_PROXY=<Varnish's address> so it reads the client address from X-Forwarded-For, which
# Varnish appends to.

import xkey;

# The gateway. Change .host and .port to where it listens (its HOST and PORT); for several gateways, declare one
# backend each and spread requests with vmod directors (round_robin), or point .host at a load balancer.
# test/setup/varnish.ts rewrites these two lines to put this file in front of a test server.
backend masthead {
    .host = "127.0.0.1";
    .port = "4000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may purge: this host, and the private network the gateways run in. Narrow 10.0.0.0/8 to the gateways' own
# addresses or subnet (a container network is often 172.16.0.0/12); anyone who may purge can empty the cache.
acl purgers {
    "127.0.0.1";
    "::1";
    "10.0.0.0"/8;
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "PURGE needs an xkey-purge header naming the tags to purge"));
        }
        # A hard purge rather than xkey.softpurge: a correction or a legal takedown must not be shown again, and a
        # softpurged object stays servable for its grace (stale-while-revalidate), so the next readers would still get
        # the old text while it is refetched. The cost is that the first request after a purge waits for the gateway;
        # Varnish sends concurrent requests for one object to the backend once (its waiting list), so a purge does not
        # become a stampede. Choose softpurge if staying up while the gateway is down matters more than freshness.
        set req.http.xkey-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.xkey-purged));
    }

    # Only reads are cached. Mutations, and GraphQL sent by POST, go straight through.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff tokens see drafts and other private answers: never cached, never answered from the cache.
    if (req.http.Authorization) {
        return (pass);
    }
    # Masthead reads no cookies (its API is public and cookie-free), but browsers send the site's own cookies along
    # when gateway and site share a domain; Varnish's built-in rules would pass every such request.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # vmod xkey indexes an object by the tags in its `xkey` header (split at spaces and commas).
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }

    # Answers for one reader (Cache-Control: private, no-store) are not stored. Varnish's built-in rules would do the
    # same; saying it here keeps the rule in this file. Marked "hit-for-miss" for two minutes: requests for this URL
    # meanwhile go to the gateway at once instead of queueing behind each other, and a cacheable answer replaces the mark.
    if (beresp.http.Cache-Control ~ "(?i)(^|[\s,])(private|no-store)($|[\s,=])") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }

    # How long objects live comes from the gateway: Varnish takes s-maxage (else max-age) as the TTL and (checked on
    # 7.1: ttl 300 s and grace 30 s for s-maxage=300, stale-while-revalidate=30) stale-while-revalidate as the grace during which a stale object is served while a fresh one is fetched in the
    # background. Nothing to add here; `set beresp.grace = ...` would override the gateway's choice.
    # The built-in vcl_backend_response runs next (no return above) and keeps its other rules (Set-Cookie, Vary: *).
}

sub vcl_deliver {
    # For operators and tests: HIT when the answer came from the cache (fresh or in grace), MISS otherwise.
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The index header is Varnish's own. Surrogate-Key and Cache-Tag go on: a CDN in front of this Varnish can use
    # them, and they name only public ids.
    unset resp.http.xkey;
}

sub vcl_synth {
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        if (resp.status == 200) {
            # How many objects went, for the gateway's debug log and for tests.
            set resp.http.Xkey-Purged = req.http.xkey-purged;
        }
        set resp.body = resp.reason + {"
"};
        return (deliver);
    }
}
