// Stand-in for the Embeddable widget (app.html, version 2.3.1), following docs/embeddable-protocol.md:
// the same URL parameters and quirks, a PKCE verifier held only in memory, both login modes, callbacks
// by message (type ignored) or window.oAuthCallback, no origin or state checks, the same storage keys,
// events posted to window.parent, commands dropped when the real widget drops them.
(function () {
  "use strict";
  var VERSION = "2.3.1";
  var PRODUCTION = "https://platform.ringcentral.com";
  var DEMO_CLIENT_ID = "fake-demo-client-id";

  // Query merged with the #hash (hash wins); an `error` key throws, like src/lib/parseUri.js.
  function parseUri(href) {
    var url = new URL(href);
    var params = {};
    url.searchParams.forEach(function (v, k) { params[k] = v; });
    new URLSearchParams(url.hash.replace(/^#/, "")).forEach(function (v, k) { params[k] = v; });
    if (params.error !== undefined) {
      throw new Error(params.error);
    }
    return params;
  }

  var p = parseUri(window.location.href);
  var clientIdParam = p.clientId || p.appKey;
  var clientId = clientIdParam || DEMO_CLIENT_ID;
  var clientSecret = clientIdParam ? (p.clientSecret || p.appSecret) : undefined;
  // A non-https appServer, or one with '?' or 'javascript', is silently replaced by production.
  var appServer = PRODUCTION;
  if (p.appServer && p.appServer.indexOf("https://") === 0 && p.appServer.indexOf("?") < 0 &&
      p.appServer.indexOf("javascript") < 0) {
    appServer = p.appServer;
  }
  var redirectUri = p.redirectUri || new URL("./redirect.html", window.location.href).href;
  var disableLoginPopup = !!p.disableLoginPopup; // "0" and "false" turn it on, as in the real one
  var prefix = p.prefix || "rc-widget";
  var usePKCE = !clientSecret;
  var userAgent = (p.userAgent ? p.userAgent + " " : "") + "RingCentralEmbeddable/" + VERSION + " RCJSSDK/4.7.2";
  var tokenKey = "sdk-" + prefix + "platform";

  var codeVerifier = null; // in memory only until the exchange, like platform._codeVerifier
  var userLoggedOut = false;
  var status = { loggedIn: false, dialerReady: false, lastError: "", exchanges: 0, receivedCommands: [],
                 calls: [], sms: [], arrivedAt: {}, appServer: appServer, clientId: clientId, redirectUri: redirectUri };
  window.__fakeWidget = status;

  function post(message) { window.parent.postMessage(message, "*"); }
  function $(id) { return document.getElementById(id); }
  function showAlert(text) { $("alert").textContent = text; }
  function showPage() {
    $("login-page").className = status.loggedIn ? "hidden" : "";
    $("dialpad").className = status.loggedIn ? "" : "hidden";
  }
  function base64url(bytes) {
    var s = "";
    bytes.forEach(function (b) { s += String.fromCharCode(b); });
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function token() {
    try { return JSON.parse(window.localStorage.getItem(tokenKey) || "null"); } catch (e) { return null; }
  }
  function storeToken(json, verifier) {
    var now = Date.now();
    json.expire_time = now + json.expires_in * 1000;
    json.refresh_token_expire_time = now + json.refresh_token_expires_in * 1000;
    if (verifier) { json.code_verifier = verifier; }
    window.localStorage.setItem(tokenKey, JSON.stringify(json));
  }
  function clearTokens() {
    Object.keys(window.localStorage).forEach(function (key) {
      if (key.indexOf("sdk-" + prefix) === 0) { window.localStorage.removeItem(key); }
    });
  }

  function clientAuth(body, headers) {
    if (clientSecret) {
      headers.Authorization = "Basic " + btoa(clientId + ":" + clientSecret);
    } else {
      body.set("client_id", clientId);
    }
  }
  async function tokenRequest(fields) {
    var body = new URLSearchParams(fields);
    var headers = { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
                    "X-User-Agent": userAgent };
    clientAuth(body, headers);
    var answer = await fetch(appServer + "/restapi/oauth/token",
      { method: "POST", body: body, headers: headers, credentials: "include", mode: "cors" });
    var json = await answer.json();
    if (!answer.ok) { throw new Error(json.error_description || json.error || "HTTP " + answer.status); }
    return json;
  }
  async function api(path) {
    var answer = await fetch(appServer + path, { credentials: "include", mode: "cors", headers: {
      "Authorization": "Bearer " + token().access_token, "X-User-Agent": userAgent, "Accept": "application/json" } });
    if (!answer.ok) { throw new Error("HTTP " + answer.status + " for " + path); }
    return answer.json();
  }

  // rc-login-status-notify {loggedIn:true} only once extension info, account info and features are in.
  async function completeLogin(fresh) {
    var features = await api("/restapi/v1.0/account/~/extension/~/features");
    var ids = features.records.filter(function (f) { return f.available; }).map(function (f) { return f.id; });
    if (ids.indexOf("ReadExtensionInfo") < 0 || ids.indexOf("ReadCompanyInfo") < 0) {
      await logout(false);
      return;
    }
    var ext = await api("/restapi/v1.0/account/~/extension/~");
    var acc = await api("/restapi/v1.0/account/~");
    status.loggedIn = true;
    showPage();
    $("who").textContent = ext.name + " (" + ext.extensionNumber + ")";
    post({ type: "rc-login-status-notify", loggedIn: true, loginNumber: acc.mainNumber + "*" + ext.extensionNumber,
           contractedCountryCode: acc.serviceInfo.contractedCountry.isoCode,
           admin: !!(ext.permissions && ext.permissions.admin && ext.permissions.admin.enabled),
           features: { sms: true, meeting: false, glip: false, call: true, smartNote: false,
                       ringSenseInsights: false },
           isFreshLogin: fresh });
    // The dialer becomes ready a little later, once the web phone has registered.
    setTimeout(function () {
      if (status.loggedIn) {
        status.dialerReady = true;
        post({ type: "rc-dialer-status-notify", ready: true });
      }
    }, 300);
  }

  async function logout(byUser) {
    var t = token();
    if (byUser) { userLoggedOut = true; }
    if (t) {
      var body = new URLSearchParams({ token: t.access_token });
      var headers = { "Content-Type": "application/x-www-form-urlencoded", "X-User-Agent": userAgent };
      clientAuth(body, headers);
      try {
        await fetch(appServer + "/restapi/oauth/revoke",
          { method: "POST", body: body, headers: headers, credentials: "include", mode: "cors" });
      } catch (e) { /* the cache is cleaned anyway, like commons Auth onLogoutError */ }
    }
    clearTokens();
    status.loggedIn = false;
    status.dialerReady = false;
    showPage();
    post({ type: "rc-login-status-notify", loggedIn: false });
    post({ type: "rc-dialer-status-notify", ready: false });
  }

  async function makeOAuthUri() {
    var state = btoa(String(Date.now())) + "-undefined-" + encodeURIComponent(btoa(crypto.randomUUID()));
    var q = new URLSearchParams();
    [["response_type", "code"], ["redirect_uri", redirectUri], ["client_id", clientId], ["state", state],
     ["brand_id", ""], ["display", "page"], ["prompt", ""], ["ui_options", "hide_remember_me"],
     ["ui_options", "hide_tos"], ["ui_locales", ""], ["localeId", "en-US"]].forEach(function (kv) {
      q.append(kv[0], kv[1]);
    });
    if (usePKCE) {
      // A new verifier every time the URI is built: only the latest sign-in can be exchanged.
      codeVerifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
      var digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(codeVerifier));
      q.append("code_challenge", base64url(new Uint8Array(digest)));
      q.append("code_challenge_method", "S256");
    }
    return appServer + "/restapi/oauth/authorize?" + q.toString();
  }

  async function openOAuthPage() {
    if (status.loggedIn) { return; }
    var uri = await makeOAuthUri();
    if (disableLoginPopup) {
      post({ type: "rc-login-popup-notify", oAuthUri: uri });
      return;
    }
    window.oAuthCallback = function (callbackUri) { handleCallback(callbackUri); };
    window.open(uri, "rc-oauth", "scrollbars=yes, width=600, height=600");
  }

  async function jwtLogin(jwt) {
    try {
      storeToken(await tokenRequest({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: jwt }));
      await completeLogin(true);
    } catch (e) {
      status.lastError = String(e.message || e);
      showAlert("Sign-in failed: " + status.lastError);
    }
  }

  // No state check here: the widget exchanges whatever code it is given (the host must check state).
  async function handleCallback(callbackUri) {
    var q;
    try {
      q = parseUri(callbackUri);
    } catch (e) {
      status.lastError = e.message === "access_denied" ? "access_denied" : "internal_error";
      showAlert(status.lastError === "access_denied" ? "Access denied" : "Internal error");
      return;
    }
    if (q.jwt) { await jwtLogin(q.jwt); return; }
    if (q.code_verifier) { codeVerifier = q.code_verifier; }
    if (!q.code) { showAlert("Internal error"); return; }
    var fields = { grant_type: "authorization_code", code: q.code, redirect_uri: redirectUri };
    if (codeVerifier) { fields.code_verifier = codeVerifier; }
    try {
      var json = await tokenRequest(fields);
      status.exchanges += 1;
      storeToken(json, codeVerifier);
      await completeLogin(true);
    } catch (e) {
      status.lastError = String(e.message || e);
      showAlert("Sign-in failed: " + status.lastError);
    }
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data !== "object") { return; }
    // When each kind of message last arrived (epoch ms), for the hand-off benchmark.
    status.arrivedAt[data.callbackUri ? "callbackUri" : String(data.type)] = performance.timeOrigin + performance.now();
    if (data.callbackUri) { handleCallback(data.callbackUri); } // keyed on callbackUri, type ignored
    if (typeof data.type !== "string") { return; }
    switch (data.type) {
      case "rc-adapter-login":
        status.receivedCommands.push(data.type);
        if (!status.loggedIn) { openOAuthPage(); }
        break;
      case "rc-adapter-logout":
        status.receivedCommands.push(data.type);
        if (status.loggedIn) { logout(true); }
        break;
      case "rc-adapter-new-call":
        status.receivedCommands.push(data.type);
        if (status.loggedIn && status.dialerReady) { // dropped otherwise, without an error
          var call = { id: "call-" + (status.calls.length + 1), direction: "Outbound", to: data.phoneNumber,
                       callStatus: "webphone-session-connecting", startTime: Date.now() };
          status.calls.push(call);
          $("last-number").textContent = data.phoneNumber;
          if (data.toCall) { post({ type: "rc-call-init-notify", call: call }); }
        }
        break;
      case "rc-adapter-new-sms":
        status.receivedCommands.push(data.type);
        if (status.loggedIn) { status.sms.push(data.phoneNumber); }
        break;
      default:
        break;
    }
  });

  $("sign-in").addEventListener("click", openOAuthPage);
  $("open-help").addEventListener("click", function () { window.open("https://example.invalid/help"); });
  $("open-js").addEventListener("click", function () { window.open("javascript:alert(1)"); });
  $("open-file").addEventListener("click", function () { window.open("file:///etc/passwd"); });

  async function init() {
    var t = token();
    if (t) {
      try {
        if (t.expire_time - 60000 < Date.now()) {
          storeToken(await tokenRequest({ grant_type: "refresh_token", refresh_token: t.refresh_token }),
                     t.code_verifier);
        }
        await completeLogin(false);
        return;
      } catch (e) {
        status.lastError = String(e.message || e);
        clearTokens();
      }
    }
    showPage();
    post({ type: "rc-login-status-notify", loggedIn: false });
    if (p.jwt && !userLoggedOut) {
      jwtLogin(p.jwt);
    } else if (p.autoSignIn) {
      openOAuthPage(); // tests only: stands in for the person clicking Sign In
    }
  }
  init();
})();
