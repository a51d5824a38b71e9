"""Real small media files for the simulator, made once with ffmpeg and cached on disk."""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
from pathlib import Path

_LOCK = threading.Lock()
SHORT_EDGE = 180


def default_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("revideo")) / "heygen-simulator"


def small_size(width: int, height: int) -> tuple[int, int]:
    """The job's aspect ratio scaled to a tiny, even frame."""
    scale = SHORT_EDGE / max(min(width, height), 1)
    return _even(width * scale), _even(height * scale)


def video(folder: Path, width: int, height: int) -> Path:
    """A 2-second MP4 (test pattern + tone) of the given aspect."""
    w, h = small_size(width, height)
    src = [
        *("-f", "lavfi", "-i", f"testsrc=size={w}x{h}:rate=10"),
        *("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050"),
        *("-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
        *("-c:a", "aac", "-b:a", "32k", "-shortest", "-movflags", "+faststart", "-f", "mp4"),
    ]
    return _made(folder / f"video-{w}x{h}.mp4", src)


def thumbnail(folder: Path, width: int, height: int) -> Path:
    """A JPEG still of the same test pattern."""
    w, h = small_size(width, height)
    src = ["-f", "lavfi", "-i", f"testsrc=size={w}x{h}:rate=1", "-frames:v", "1", "-f", "mjpeg"]
    return _made(folder / f"thumb-{w}x{h}.jpg", src)


def voice_sample(folder: Path) -> Path:
    """A one-second MP3 tone standing in for a voice preview."""
    src = ["-f", "lavfi", "-i", "sine=frequency=330:sample_rate=22050", "-t", "1"]
    return _made(folder / "voice.mp3", [*src, "-c:a", "libmp3lame", "-f", "mp3"])


def _made(target: Path, args: list[str]) -> Path:
    if target.exists():
        return target
    with _LOCK:
        if target.exists():
            return target
        import imageio_ffmpeg

        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        os.close(fd)
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
        try:
            subprocess.run([*cmd, *args, tmp], check=True, capture_output=True, timeout=60)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return target


def _even(x: float) -> int:
    return max(2, round(x / 2) * 2)
