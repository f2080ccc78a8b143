"""The sandbox: zotsync's own local server speaking the Zotero Web API v3.

It follows what the real server was observed to do (shared/real-api), including
the behaviours the documentation does not mention, so that whatever the engine
does against it also works against api.zotero.org.
"""
