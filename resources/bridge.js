// Embeddable Desktop page bridge. Runs in an isolated JavaScript world (ApplicationWorld), so the
// widget's own scripts can neither see this code nor reach the QWebChannel it talks to.
(function () {
  "use strict";
  if (window.top !== window) {
    return; // the widget is the top-level page; frames inside it get no bridge
  }
  const ownPosts = new Map(); // JSON of commands the launcher posted -> how many are still in flight
  const queue = [];
  let python = null;

  function forward(text) {
    if (python) {
      python.receive(text);
    } else {
      queue.push(text);
    }
  }

  window.addEventListener("message", function (event) {
    // Top level, the widget posts its events to its own window; anything from a frame or another
    // origin is not the widget talking.
    if (event.source !== window || event.origin !== window.location.origin) {
      return;
    }
    const data = event.data;
    if (!data || typeof data !== "object" || typeof data.type !== "string" || !data.type.startsWith("rc-")) {
      return;
    }
    let text;
    try {
      text = JSON.stringify(data);
    } catch (e) {
      return;
    }
    const pending = ownPosts.get(text);
    if (pending) {
      // The launcher's own command coming back to this listener: not an event from the widget.
      if (pending === 1) {
        ownPosts.delete(text);
      } else {
        ownPosts.set(text, pending - 1);
      }
      return;
    }
    forward(text);
  });

  window.__embeddableDesktopBridge = {
    post: function (message) {
      const text = JSON.stringify(message);
      ownPosts.set(text, (ownPosts.get(text) || 0) + 1);
      window.postMessage(message, window.location.origin);
    },
  };

  new QWebChannel(qt.webChannelTransport, function (channel) {
    python = channel.objects.embeddableDesktop;
    queue.splice(0).forEach(function (text) {
      python.receive(text);
    });
  });
})();
