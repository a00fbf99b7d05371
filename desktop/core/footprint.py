"""What the app sheds of a general-purpose browser, decided before Chromium starts (the ``performance_tuning`` setting).

Measured on a widget-sized page under X11 (``benchmarks/README.md``), these take the memory of the process tree
from 1.03x a bare Qt WebEngine host's to about 0.74x, and none of them costs start-up time:
- where there is no GPU to use, no GL at all. Qt WebEngine runs Chromium's GPU service in a thread of the app's
  own process, Qt draws the page into the window with Qt Quick, and Qt's X11 and Wayland platforms set up GL for
  every window. Without a GPU all three load a software GL driver (Mesa's llvmpipe, with all of LLVM: about
  30 MiB) only to copy pixels. Chromium without its GPU service (``--disable-gpu``), Qt Quick's software renderer
  (``QT_QUICK_BACKEND=software``) and the platforms without GL (``QT_XCB_GL_INTEGRATION=none``,
  ``QT_WAYLAND_CLIENT_BUFFER_INTEGRATION=none``: windows then use shared memory) draw the same pixels without it.
  Qt says on stderr that it found no GL, which is the point. Where a GPU may be there, all of this is left as it
  is (the driver's business);
- V8's collector exposed to the app (``desktop.core.page_memory``), which collects the page's garbage once the
  phone is ready and while it is hidden. It replaced V8's ``--optimize-for-size``, which saved less memory and
  cost about 0.07x of start-up;
- on Linux, one zygote instead of two (``--no-unsandboxed-zygote``). Chromium forks renderers from its sandboxed
  zygote, and keeps a second, unsandboxed one for helper processes. The only helper the phone starts, the audio
  service of a ring or a call, is started directly by the app's process (seen in the process tree, sandboxed or
  not), so that zygote idles all day. Without it the tree is about 7 MiB smaller, and the first sound and the
  first microphone capture come as quickly as before (``benchmarks/first_sound.py``).

The other levers tried (GPU in-process, one renderer process, unused features off, low-end device mode, V8's
size and memory-saver modes) are not applied: they changed nothing measurable, or cost start-up time for the
memory they saved. IT turns all of this off with one setting when a driver misbehaves.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, MutableMapping
from dataclasses import field

from desktop.core.chromium_flags import chromium_flags
from desktop.core.page_memory import EXPOSE_FLAG
from desktop.core.proxy import SYSTEM
from desktop.core.records import record

#: Chromium flags for a machine without a usable GPU: no GPU service (no software GL), compositing in software.
NO_GPU_FLAGS = ("--disable-gpu",)
#: Environment for a machine without a usable GPU: Qt Quick (which shows the page) draws in software, and Qt's
#: X11 and Wayland windows get no GL integration ("none": Qt loads none, and Wayland windows use shared memory).
NO_GPU_ENVIRON = {"QT_QUICK_BACKEND": "software", "QT_XCB_GL_INTEGRATION": "none",
                  "QT_WAYLAND_CLIENT_BUFFER_INTEGRATION": "none"}
#: Flags for every machine: V8's collector, for the app to collect the page's garbage when the phone is idle.
ALWAYS_FLAGS = (EXPOSE_FLAG,)
#: Flags for Linux, where Chromium forks its processes from zygotes: no unsandboxed zygote, which nothing uses here.
LINUX_FLAGS = ("--no-unsandboxed-zygote",)
#: Qt platforms that never draw with a GPU.
_SOFTWARE_PLATFORMS = ("offscreen", "minimal", "vnc", "linuxfb")
#: Environment variables with which a person or a VDI image forces software rendering.
_SOFTWARE_VARIABLES = {"LIBGL_ALWAYS_SOFTWARE": ("1", "true"), "QT_OPENGL": ("software",),
                       "QT_QUICK_BACKEND": ("software",)}


@record
class Machine:
    """What the decision needs to know about the machine (gathered by ``desktop.services.gpu_probe``)."""

    system: str  # sys.platform: "linux", "win32", "darwin"
    environ: Mapping[str, str]
    #: Linux: whether a DRM render node (/dev/dri/renderD*) exists; None where the question does not apply.
    render_node: bool | None = None
    #: Windows: a Remote Desktop or Citrix session, which has no GPU of its own.
    remote_session: bool = False


@record
class Tuning:
    """The Chromium flags to add, the environment variables to set (where the person has not) and the one line
    the log gets about them."""

    flags: tuple[str, ...]
    decision: str
    environ: Mapping[str, str] = field(default_factory=dict)


def no_gpu_reason(machine: Machine) -> str | None:
    """Why this machine has no GPU the page could use, or None when it may have one."""
    platform = machine.environ.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()
    if platform in _SOFTWARE_PLATFORMS:
        return f"the Qt platform is {platform}"
    for name, values in _SOFTWARE_VARIABLES.items():
        if machine.environ.get(name, "").strip().lower() in values:
            return f"{name}={machine.environ[name]} asks for software rendering"
    if machine.system.startswith("linux") and machine.render_node is False:
        return "no GPU render node in /dev/dri"
    if machine.system == "win32" and machine.remote_session:
        return "a remote desktop session"
    return None


def decide(enabled: bool, machine: Machine) -> Tuning:
    """The tuning for this machine, or none when the ``performance_tuning`` setting is off."""
    if not enabled:
        return Tuning((), "performance tuning is off (setting performance_tuning): Chromium runs as it would anyway")
    flags: tuple[str, ...] = ALWAYS_FLAGS
    everywhere = "performance tuning: the page's garbage collected when the phone is ready and while hidden"
    if machine.system.startswith("linux"):
        flags, everywhere = flags + LINUX_FLAGS, everywhere + ", one zygote"
    reason = no_gpu_reason(machine)
    if reason is None:
        return Tuning(flags, f"{everywhere}; a GPU may be available, so Chromium keeps its GPU service")
    return Tuning(flags + NO_GPU_FLAGS, f"{everywhere}; no GPU to use ({reason}), so no GL: Chromium's GPU service "
                  "is off, Qt Quick draws in software and Qt's windows have no GL", NO_GPU_ENVIRON)


def overridden(tuning: Tuning, flags: str, environ: Mapping[str, str]) -> list[str]:
    """What of ``tuning`` did not take effect because the person's own flags or variables set the same thing
    (their ``--js-flags``, their ``QT_QUICK_BACKEND``): the log says so rather than claim it."""
    final = shlex.split(flags)
    lost = [flag for flag in tuning.flags if flag not in final]
    return lost + [f"{name}={value}" for name, value in tuning.environ.items() if environ.get(name) != value]


def apply_tuning(tuning: Tuning, environ: MutableMapping[str, str], *, running_as_root: bool,
                 proxy: str = SYSTEM) -> list[str]:
    """Put the launcher's Chromium flags and ``tuning`` into ``environ`` (read by Qt when it starts), the person's
    own flags and variables first; returns what of ``tuning`` they overrode (see :func:`overridden`)."""
    for name, value in tuning.environ.items():
        environ.setdefault(name, value)
    environ["QTWEBENGINE_CHROMIUM_FLAGS"] = chromium_flags(environ.get("QTWEBENGINE_CHROMIUM_FLAGS"),
                                                           running_as_root=running_as_root, proxy=proxy,
                                                           tuning=tuning.flags)
    return overridden(tuning, environ["QTWEBENGINE_CHROMIUM_FLAGS"], environ)
