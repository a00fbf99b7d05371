"""What the app sheds of a general-purpose browser, decided before Chromium starts (the ``performance_tuning`` setting).

Measured on a widget-sized page (``benchmarks/README.md``), two Chromium levers move the memory of the process
tree without costing start-up time:
- not starting the GPU process where there is no GPU to use (about -60 MiB). On such a machine Chromium would
  only run its software GL in that process, so turning it off costs no rendering: the page is composited in
  software either way. Where a GPU may be there, the GPU process is kept (the driver's business);
- V8's ``--optimize-for-size`` (about -13 MiB in the page's process): smaller heaps and code, for a page that
  spends its day waiting for calls rather than computing.

The other levers tried (GPU in-process, one renderer process, unused features off, low-end device mode) are not
applied: they changed nothing measurable, or cost start-up time for the memory they saved. IT turns all of this
off with one setting when a driver misbehaves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: Chromium flags for a machine without a usable GPU: no GPU process, compositing in software.
NO_GPU_FLAGS = ("--disable-gpu",)
#: Flags for every machine: V8 favours memory over peak speed (the widget's scripts are UI and signalling).
ALWAYS_FLAGS = ("--js-flags=--optimize-for-size",)
#: Qt platforms that never draw with a GPU.
_SOFTWARE_PLATFORMS = ("offscreen", "minimal", "vnc", "linuxfb")
#: Environment variables with which a person or a VDI image forces software rendering.
_SOFTWARE_VARIABLES = {"LIBGL_ALWAYS_SOFTWARE": ("1", "true"), "QT_OPENGL": ("software",),
                       "QT_QUICK_BACKEND": ("software",)}


@dataclass(frozen=True)
class Machine:
    """What the decision needs to know about the machine (gathered by ``desktop.services.gpu_probe``)."""

    system: str  # sys.platform: "linux", "win32", "darwin"
    environ: Mapping[str, str]
    #: Linux: whether a DRM render node (/dev/dri/renderD*) exists; None where the question does not apply.
    render_node: bool | None = None
    #: Windows: a Remote Desktop or Citrix session, which has no GPU of its own.
    remote_session: bool = False


@dataclass(frozen=True)
class Tuning:
    """The Chromium flags to add and the one line the log gets about them."""

    flags: tuple[str, ...]
    decision: str


def no_gpu_reason(machine: Machine) -> str | None:
    """Why this machine has no GPU the page could use, or None when it may have one."""
    platform = machine.environ.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()
    if platform in _SOFTWARE_PLATFORMS:
        return f"the Qt platform is {platform}"
    for name, values in _SOFTWARE_VARIABLES.items():
        if machine.environ.get(name, "").strip().lower() in values:
            return f"{name}={machine.environ[name]} asks for software rendering"
    if machine.system.startswith("linux") and machine.render_node is False:
        return "no GPU render node (/dev/dri/renderD*)"
    if machine.system == "win32" and machine.remote_session:
        return "a remote desktop session"
    return None


def decide(enabled: bool, machine: Machine) -> Tuning:
    """The tuning for this machine, or none when the ``performance_tuning`` setting is off."""
    if not enabled:
        return Tuning((), "performance tuning is off (setting performance_tuning): Chromium runs as it would anyway")
    reason = no_gpu_reason(machine)
    if reason is None:
        return Tuning(ALWAYS_FLAGS, "performance tuning: V8 optimises for size; a GPU may be available, so "
                                    "Chromium keeps its GPU process")
    return Tuning(ALWAYS_FLAGS + NO_GPU_FLAGS, f"performance tuning: V8 optimises for size; no GPU to use "
                                               f"({reason}), so Chromium starts no GPU process and composites "
                                               "in software")
