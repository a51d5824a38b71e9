"""The offline video engine: real narrated MP4s from FFmpeg, espeak-ng and Pillow."""

from revideo.adapters.local_engine.engine import LocalEngine, read_local_photo

__all__ = ["LocalEngine", "read_local_photo"]
