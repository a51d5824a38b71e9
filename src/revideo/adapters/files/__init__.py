"""A MediaStore on the local file system."""

from revideo.adapters.files.store import FilesMediaStore

__all__ = ["FilesMediaStore"]
