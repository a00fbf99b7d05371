/*
 * Fake RingCentral Embeddable 2.3.1 (app.html) for tests. It follows /work/shared/docs/embeddable-protocol.md:
 * the same URL parameters (with the same quirks), the same login flow (PKCE verifier in memory only, state
 * never checked), the same messages, storage keys and platform requests. It is deliberately no more forgiving
 * than the real widget, so a host that works with it should work with the real one.
 *
 * Test hooks: window.__fakeWidget (read-only status) and the element ids in app.html.
 */
(function () {
  'use strict';

  var VERSION = '2.3.1';
  var SDK_VERSION = '4.7.2';
  var DEMO_CLIENT_ID = 'fake-demo-client-id';  // the build's default id; tests register it on the platform
  var DEFAULT_SERVER = 'https://platform.ringcentral.com';
  var JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
  // The widget's own notifications come back to it at top level; like the real one it ignores them.
  var OUTGOING = ['rc-login-status-notify', 'rc-login-popup-notify', 'rc-dialer-status-notify',
    'rc-call-init-notify', 'rc-call-end-notify', 'rc-adapter-pushAdapterState', 'rc-call-ring-notify',
    'rc-call-start-notify', 'rc-inbound-message-notify', 'rc-adapter-side-drawer-open-notify', 'rc-adapter-syncSize'];

  // --- parameters (src/app.js, src/lib/parseUri.js) -----------------------------------------------------
  function mergedParams(href) {
    var url = new URL(href);
    var out = {};
    url.searchParams.forEach(function (value, key) { if (!(key in out)) out[key] = value; });
    new URLSearchParams(url.hash.replace(/^#/, '')).forEach(function (value, key) { out[key] = value; });
    return out;
  }

  function parseUri(href) {
    var out = mergedParams(href);
    if ('error' in out) {  // like parseUri: an error key throws, so the page stops here
      var error = new Error(out.error_description || out.error);
      error.code = out.error;
      throw error;
    }
    return out;
  }

  var params = parseUri(window.location.href);
  var clientId = params.clientId || params.appKey || DEMO_CLIENT_ID;
  var clientSecret = params.clientId ? (params.clientSecret || params.appSecret || '') : '';
  var appServer = DEFAULT_SERVER;
  if (params.appServer && params.appServer.indexOf('https://') === 0 && params.appServer.indexOf('?') < 0 &&
      params.appServer.indexOf('javascript') < 0) {
    appServer = params.appServer;  // anything else is silently replaced by production
  }
  // The authorize URL uses the resolved redirect; the token request uses the raw parameter when given.
  var authorizeRedirect = new URL(params.redirectUri || './redirect.html', window.location.href).href;
  var tokenRedirect = params.redirectUri || authorizeRedirect;
  var disableLoginPopup = !!params.disableLoginPopup;  // "0" and "false" turn it on too
  var prefix = params.prefix || 'rc-widget';
  var userAgent = (params.userAgent ? params.userAgent + ' ' : '') +
    'RingCentralEmbeddable/' + VERSION + ' RCJSSDK/' + SDK_VERSION;
  var usePKCE = !clientSecret;
  var tokenKey = 'sdk-' + prefix + 'platform';
  var pkceFlagKey = prefix + '-pkce-enabled';

  // src/lib/patchGetUserMedia.js dereferences navigator.mediaDevices at load: outside a secure context
  // this throws and the page stops, as the real one does.
  var originalGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);

  // --- state --------------------------------------------------------------------------------------------
  var phase = 'loading';  // 'loading' | 'login' | 'app'
  var loggedIn = false;
  var dialerReady = false;
  var dialerTimer = null;
  var commandsReady = false;  // commands that arrive before init are lost
  var notifiedLoggedIn;  // undefined until the first rc-login-status-notify (edge-triggered)
  var userLoggedOut = false;  // makes jwt auto-login stop, for this page load only
  var codeVerifier = null;  // PKCE verifier: in memory only, as platform._codeVerifier
  var extensionInfo = null;
  var accountInfo = null;
  var lastError = null;
  var lastOAuthUri = null;
  var dialedNumber = '';
  var exchanges = [];
  var receivedCommands = [];
  var droppedCommands = [];
  var callbacksReceived = 0;
  var arrivedAt = {};  // epoch ms when each kind of message last arrived (the hand-off benchmark reads it)
  var calls = [];
  var smsRequests = [];

  function post(message) { window.parent.postMessage(message, '*'); }
  function $(id) { return document.getElementById(id); }
  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  function showAlert(text) {
    var alert = $('alert');
    if (alert) { alert.textContent = text; alert.hidden = false; }
  }

  function render() {
    if (!document.body) return;
    $('loading').hidden = phase !== 'loading';
    $('login-page').hidden = phase !== 'login';
    $('dialpad').hidden = !loggedIn;
    $('sign-in').disabled = phase !== 'login';
    $('dial-number').textContent = dialedNumber;
    var active = activeCall();
    $('call-status').textContent = active ? active.callStatus : '';
    // oAuthCallback exists only while the login page shows (widgets OAuth.ts:147-163)
    if (phase === 'login') window.oAuthCallback = handleCallback;
    else delete window.oAuthCallback;
  }

  // --- storage (SDK cache: prefix sdk-<prefix>, id platform) -----------------------------------------------
  function readToken() {
    try { return JSON.parse(localStorage.getItem(tokenKey) || 'null'); } catch (error) { return null; }
  }

  function storeToken(json, verifier) {
    var now = Date.now();
    var blob = Object.assign({}, json, {
      expire_time: now + json.expires_in * 1000,
      refresh_token_expire_time: now + json.refresh_token_expires_in * 1000
    });
    if (verifier) blob.code_verifier = verifier;
    localStorage.setItem(tokenKey, JSON.stringify(blob));
  }

  function cleanCache() {  // every key starting with sdk-<prefix>, as the SDK's Cache.clean does
    var doomed = [];
    for (var i = 0; i < localStorage.length; i += 1) {
      var key = localStorage.key(i);
      if (key && key.indexOf('sdk-' + prefix) === 0) doomed.push(key);
    }
    doomed.forEach(function (key) { localStorage.removeItem(key); });
  }

  if (usePKCE) {  // src/modules/Phone/index.js:779-793
    if (!localStorage.getItem(pkceFlagKey)) {
      var old = readToken();
      if (old && !old.code_verifier) localStorage.removeItem(tokenKey);
      localStorage.setItem(pkceFlagKey, '1');
    }
  } else {
    localStorage.removeItem(pkceFlagKey);
  }

  // --- platform requests (SDK: credentialed CORS fetches, X-User-Agent on every one) --------------------
  function encodePairs(pairs) {
    return pairs.map(function (p) { return encodeURIComponent(p[0]) + '=' + encodeURIComponent(p[1]); }).join('&');
  }

  function platformFetch(path, method, headers, body) {
    var all = Object.assign({ 'Accept': 'application/json', 'X-User-Agent': userAgent }, headers);
    return fetch(appServer + path, { method: method, headers: all, body: body, credentials: 'include',
      mode: 'cors', cache: 'no-store' });
  }

  function clientAuth(pairs, headers) {  // secret: HTTP Basic; no secret: client_id in the body
    if (clientSecret) headers.Authorization = 'Basic ' + btoa(clientId + ':' + clientSecret);
    else pairs.push(['client_id', clientId]);
  }

  async function tokenRequest(pairs) {
    var headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
    clientAuth(pairs, headers);
    var grantType = pairs[0][1];
    var record = { grantType: grantType, ok: false, status: 0, error: null };
    exchanges.push(record);
    try {
      var response = await platformFetch('/restapi/oauth/token', 'POST', headers, encodePairs(pairs));
      var json = await response.json().catch(function () { return {}; });
      record.status = response.status;
      if (!response.ok) {
        record.error = json.error || ('http ' + response.status);
        lastError = record.error;
        return null;
      }
      record.ok = true;
      return json;
    } catch (error) {  // network failure or CSP block
      record.error = 'network: ' + error.message;
      lastError = record.error;
      return null;
    }
  }

  async function refresh() {  // serialized across tabs by the Web Lock token_refresh (not prefixed)
    var run = async function () {
      var token = readToken();
      // A refused or impossible refresh ends the session; a network failure does not (status 0).
      var refused = function (message, status) {
        return Object.assign(new Error(message), { status: status, refreshFailed: true });
      };
      if (!token || !token.refresh_token) throw refused('Refresh token is missing', 401);
      if (token.refresh_token_expire_time < Date.now()) throw refused('Refresh token has expired', 401);
      var json = await tokenRequest([['grant_type', 'refresh_token'], ['refresh_token', token.refresh_token],
        ['access_token_ttl', String(token.expires_in)], ['refresh_token_ttl', String(token.refresh_token_expires_in)]]);
      if (!json) throw refused('refresh failed: ' + lastError, exchanges[exchanges.length - 1].status);
      storeToken(json, token.code_verifier);
    };
    return navigator.locks ? navigator.locks.request('token_refresh', run) : run();
  }

  async function apiGet(path) {
    for (var attempt = 0; attempt < 2; attempt += 1) {
      var token = readToken();
      if (!token) throw Object.assign(new Error('logged out'), { status: 401 });
      if (token.expire_time - 60000 < Date.now()) { await refresh(); token = readToken(); }
      var response = await platformFetch(path, 'GET', { 'Authorization': 'Bearer ' + token.access_token,
        'Client-Id': clientId });
      if (response.ok) return response.json();
      if (response.status !== 401 || attempt === 1) {
        throw Object.assign(new Error(path + ': ' + response.status), { status: response.status });
      }
      await refresh();  // once after a 401, like the SDK
    }
    throw new Error('unreachable');
  }

  // --- login status -------------------------------------------------------------------------------------
  function notifyLoginStatus(isFreshLogin) {
    if (notifiedLoggedIn === loggedIn) return;
    notifiedLoggedIn = loggedIn;
    commandsReady = true;
    if (!loggedIn) { post({ type: 'rc-login-status-notify', loggedIn: false }); return; }
    post({
      type: 'rc-login-status-notify', loggedIn: true,
      loginNumber: accountInfo.mainNumber + '*' + extensionInfo.extensionNumber,
      contractedCountryCode: accountInfo.serviceInfo.contractedCountry.isoCode,
      admin: !!(extensionInfo.permissions && extensionInfo.permissions.admin &&
        extensionInfo.permissions.admin.enabled),
      features: { sms: true, meeting: false, glip: false, smartNote: false, call: true, ringSenseInsights: false },
      isFreshLogin: !!isFreshLogin
    });
  }

  var rang = false;
  function setDialerReady(ready) {
    clearTimeout(dialerTimer);
    dialerReady = ready;
    post({ type: 'rc-dialer-status-notify', ready: ready });
    if (ready && params.ringWhenReady && !rang) {  // tests only (not a widget parameter): a call comes in
      rang = true;
      setTimeout(function () { window.__fakeWidgetTest.incomingCall(params.ringWhenReady, 'E2E Caller'); }, 200);
    }
  }

  function showLogin() {
    loggedIn = false;
    phase = 'login';
    render();
    notifyLoginStatus(false);
  }

  // Gating: features (ReadExtensionInfo + ReadCompanyInfo), extension info, account info.
  async function finishLogin(isFresh) {
    phase = 'loading';
    render();
    try {
      var features = await apiGet('/restapi/v1.0/account/~/extension/~/features');
      var available = (features.records || []).filter(function (f) { return f.available; })
        .map(function (f) { return f.id; });
      if (available.indexOf('ReadExtensionInfo') < 0 || available.indexOf('ReadCompanyInfo') < 0) {
        lastError = 'missing features';
        await logout(false, true);
        return 'logged-out';
      }
      extensionInfo = await apiGet('/restapi/v1.0/account/~/extension/~');
      accountInfo = await apiGet('/restapi/v1.0/account/~');
    } catch (error) {
      lastError = error.message;
      if (error.refreshFailed && error.status) { await logout(false, false); return 'logged-out'; }
      if (error.status === 401 || error.status === 403) { await logout(false, true); return 'logged-out'; }
      return 'error';  // the real data fetchers keep retrying; the widget never reports loggedIn
    }
    loggedIn = true;
    phase = 'app';
    $('alert').hidden = true;
    render();
    notifyLoginStatus(isFresh);
    if (!dialerReady) {  // the webphone registers a moment after login
      dialerTimer = setTimeout(function () { if (loggedIn) setDialerReady(true); }, 300);
    }
    return 'ok';
  }

  async function logout(byUser, revoke) {
    var token = readToken();
    clearTimeout(dialerTimer);
    if (byUser) userLoggedOut = true;
    if (revoke && token && token.access_token) {
      var pairs = [['token', token.access_token]];
      var headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
      clientAuth(pairs, headers);
      try { await platformFetch('/restapi/oauth/revoke', 'POST', headers, encodePairs(pairs)); } catch (e) { /* */ }
    }
    cleanCache();  // even if the revoke failed (commons Auth onLogoutError)
    extensionInfo = accountInfo = null;
    showLogin();
    setDialerReady(false);
  }

  // --- sign in ------------------------------------------------------------------------------------------
  function base64url(bytes) {
    return btoa(String.fromCharCode.apply(null, Array.from(bytes)))
      .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  async function buildOAuthUri() {
    var pairs = [['response_type', 'code'], ['redirect_uri', authorizeRedirect], ['client_id', clientId],
      ['state', btoa(String(Date.now())) + '-undefined-' + encodeURIComponent(btoa(crypto.randomUUID()))],
      ['brand_id', ''], ['display', 'page'], ['prompt', ''], ['ui_options', 'hide_remember_me'],
      ['ui_options', 'hide_tos'], ['ui_locales', ''], ['localeId', 'en-US']];
    if (usePKCE) {  // a new verifier every time: only the latest oAuthUri's code can be exchanged
      var verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
      codeVerifier = verifier;
      var digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
      pairs.push(['code_challenge', base64url(new Uint8Array(digest))], ['code_challenge_method', 'S256']);
    }
    lastOAuthUri = appServer + '/restapi/oauth/authorize?' + encodePairs(pairs);
    return lastOAuthUri;
  }

  async function openOAuthPage() {
    if (disableLoginPopup) {  // no oAuthReady check in this mode
      post({ type: 'rc-login-popup-notify', oAuthUri: await buildOAuthUri() });
      return;
    }
    if (phase !== 'login') return;  // oAuthReady: logged out and on the login page
    window.open(await buildOAuthUri(), 'rc-oauth', 'scrollbars=yes, width=600, height=600');
  }

  async function loginWith(pairs) {
    var previous = phase;
    phase = 'loading';
    render();
    var json = await tokenRequest(pairs);
    if (!json) {
      phase = previous === 'app' ? 'app' : 'login';
      render();
      showAlert('login failed: ' + lastError);
      return;
    }
    storeToken(json, codeVerifier);
    await finishLogin(true);
  }

  async function handleCallback(callbackUri) {
    callbacksReceived += 1;
    var query;
    try {
      query = parseUri(String(callbackUri));
    } catch (error) {
      lastError = error.code || error.message;
      showAlert(error.code === 'access_denied' ? 'access denied' : 'internal error: ' + lastError);
      return;
    }
    if (query.jwt) { await loginWith([['grant_type', JWT_GRANT], ['assertion', query.jwt]]); return; }
    if (query.code_verifier) codeVerifier = query.code_verifier;
    if (!query.code) { lastError = 'callback without code'; return; }  // the state is never checked
    var pairs = [['grant_type', 'authorization_code'], ['code', query.code], ['redirect_uri', tokenRedirect]];
    if (codeVerifier) pairs.push(['code_verifier', codeVerifier]);
    await loginWith(pairs);
  }

  // --- calls and messages -------------------------------------------------------------------------------
  function activeCall() {
    return calls.filter(function (c) { return !c.endTime; })[0] || null;
  }

  function endCall(call) {
    call.endTime = Date.now();
    call.callStatus = 'webphone-session-finished';
    post({ type: 'rc-call-end-notify', call: copy(call) });
    render();
  }

  function newCall(data) {
    if (!loggedIn || !dialerReady || activeCall()) { droppedCommands.push(data.type); return; }
    dialedNumber = String(data.phoneNumber || '');
    render();
    if (!data.toCall) return;
    var now = Date.now();
    var call = { id: 'fake-call-' + now, callId: 'fake-sip-' + now, direction: 'Outbound', to: dialedNumber,
      toUserName: '', from: accountInfo.mainNumber, fromNumber: accountInfo.mainNumber,
      fromUserName: extensionInfo.name, callStatus: 'webphone-session-connecting', startTime: now,
      creationTime: now, isOnHold: false, isOnMute: false, isOnFlip: false, isOnTransfer: false,
      isToVoicemail: false, isForwarded: false, isReplied: false, recordStatus: 'webphone-record-idle',
      minimized: false, partyData: null, lastActiveTime: now, callQueueName: null, contactMatch: null,
      media: 'pending' };
    calls.push(call);
    post({ type: 'rc-call-init-notify', call: copy(call) });
    render();
    // The webphone needs the microphone: a host that denies it gets a failed call, as with the real one.
    originalGetUserMedia({ audio: true }).then(function (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      call.media = 'granted';
    }, function (error) {
      call.media = error.name || String(error);
      lastError = 'microphone: ' + call.media;
      showAlert(lastError);
      endCall(call);
    });
  }

  function onCommand(data) {
    switch (data.type) {
      case 'rc-adapter-login': if (!loggedIn) openOAuthPage(); break;
      case 'rc-adapter-logout': if (loggedIn) logout(true, true); break;
      case 'rc-adapter-new-call': newCall(data); break;
      case 'rc-adapter-new-sms':
        if (!loggedIn) { droppedCommands.push(data.type); break; }
        smsRequests.push({ phoneNumber: String(data.phoneNumber || ''), text: data.text || '' });
        $('sms-to').textContent = String(data.phoneNumber || '');
        break;
      case 'rc-adapter-control-call': {
        // The id defaults to the ringing or active session (l.986-1032).
        var target = calls.filter(function (c) { return !c.endTime && c.id === data.callId; })[0] || activeCall();
        if (data.callAction === 'hangup' && target) endCall(target);
        if (data.callAction === 'answer' && target && target.direction === 'Inbound') {
          target.callStatus = 'webphone-session-connected';
          post({ type: 'rc-call-start-notify', call: copy(target) });
        }
        break;
      }
      default: break;
    }
  }

  // No origin or source checks, like every listener of the real widget.
  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || typeof data !== 'object') return;
    var type = typeof data.type === 'string' ? data.type : null;
    arrivedAt[data.callbackUri ? 'callbackUri' : String(type)] = performance.timeOrigin + performance.now();
    if (type && OUTGOING.indexOf(type) >= 0) return;
    if (!commandsReady) { droppedCommands.push(type || 'callbackUri'); return; }
    if (type) receivedCommands.push(type);
    if (data.callbackUri) handleCallback(data.callbackUri);  // the type is ignored (OAuth listener)
    if (type) onCommand(data);
  });

  Object.defineProperty(window, '__fakeWidget', {
    configurable: false, writable: false, value: Object.freeze({
      get loggedIn() { return loggedIn; },
      get dialerReady() { return dialerReady; },
      get phase() { return phase; },
      get lastError() { return lastError; },
      get exchanges() { return copy(exchanges); },
      get receivedCommands() { return receivedCommands.slice(); },
      get droppedCommands() { return droppedCommands.slice(); },
      get callbacksReceived() { return callbacksReceived; },
      get arrivedAt() { return copy(arrivedAt); },
      get calls() { return copy(calls); },
      get smsRequests() { return copy(smsRequests); },
      get dialedNumber() { return dialedNumber; },
      get lastOAuthUri() { return lastOAuthUri; },
      get hasCodeVerifier() { return !!codeVerifier; },
      get config() {
        return { clientId: clientId, usePKCE: usePKCE, appServer: appServer, authorizeRedirect: authorizeRedirect,
          tokenRedirect: tokenRedirect, disableLoginPopup: disableLoginPopup, prefix: prefix, userAgent: userAgent };
      }
    })
  });

  // --- what the platform and the person do (test hooks: the real widget gets these from SIP and clicks) ------
  var sideDrawerOpen = false;
  var inboundCount = 0;
  Object.defineProperty(window, '__fakeWidgetTest', {
    configurable: false, writable: false, value: Object.freeze({
      // An inbound call arrives (a SIP INVITE): rings only when signed in with the webphone ready.
      incomingCall: function (fromNumber, fromUserName) {
        if (!loggedIn || !dialerReady) return false;  // a second call during one rings too (call waiting)
        var now = Date.now();
        inboundCount += 1;
        var call = { id: 'fake-in-' + inboundCount, callId: 'fake-sip-in-' + inboundCount, direction: 'Inbound',
          to: accountInfo.mainNumber, toUserName: extensionInfo.name, from: fromNumber, fromNumber: fromNumber,
          fromUserName: fromUserName || '', callStatus: 'webphone-session-connecting', startTime: now,
          creationTime: now, isOnHold: false, isOnMute: false, isOnFlip: false, isOnTransfer: false,
          isToVoicemail: false, isForwarded: false, isReplied: false, recordStatus: 'webphone-record-idle',
          minimized: false, partyData: { sessionId: 's-' + now, partyId: 'p-' + now }, lastActiveTime: now,
          callQueueName: null, contactMatch: null };
        calls.push(call);
        post({ type: 'rc-call-ring-notify', call: copy(call) });
        render();
        return true;
      },
      // A new SMS arrives (message-store record, as the real widget posts it).
      inboundMessage: function (fromNumber, fromName, subject) {
        if (!loggedIn) return false;
        post({ type: 'rc-inbound-message-notify', message: { id: Date.now(), type: 'SMS', direction: 'Inbound',
          readStatus: 'Unread', messageStatus: 'Received', subject: subject,
          from: { phoneNumber: fromNumber, name: fromName }, to: [{ phoneNumber: accountInfo.mainNumber }],
          creationTime: new Date().toISOString(), conversationId: 'c-' + fromNumber } });
        return true;
      },
      // The person opens or closes the side drawer (l.1518-1539: syncSize first, then the notify).
      toggleSideDrawer: function () {
        sideDrawerOpen = !sideDrawerOpen;
        post({ type: 'rc-adapter-syncSize', size: { width: sideDrawerOpen ? 600 : 300, height: 500 } });
        post({ type: 'rc-adapter-side-drawer-open-notify', open: sideDrawerOpen });
        return sideDrawerOpen;
      }
    })
  });

  // --- startup ------------------------------------------------------------------------------------------
  async function start() {
    post({ type: 'rc-adapter-pushAdapterState', size: { width: 300, height: 500 }, minimized: false,
      closed: false, position: { translateX: 0, translateY: 0, minTranslateX: 0 }, telephonyStatus: null,
      userStatus: null, dndStatus: null });
    var token = readToken();
    if (token && token.access_token) {
      var result = await finishLogin(false);  // refreshes first if expired (apiGet)
      if (result !== 'logged-out') return;
    } else {
      showLogin();
    }
    if (params.jwt && !loggedIn && !userLoggedOut) {
      await loginWith([['grant_type', JWT_GRANT], ['assertion', params.jwt]]);
    } else if (params.autoSignIn && !loggedIn) {
      openOAuthPage();  // tests only (not a widget parameter): stands in for the person clicking Sign In
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('sign-in').addEventListener('click', function () { openOAuthPage(); });
    $('open-help').addEventListener('click', function () { window.open('https://example.invalid/help'); });
    $('open-js').addEventListener('click', function () { window.open('javascript:alert(1)'); });
    $('open-file').addEventListener('click', function () { window.open('file:///etc/passwd'); });
    render();
    start();
  });
})();
