"""zotsync: get bibliographic records into Zotero and keep them there."""

__version__ = "0.1.0"
