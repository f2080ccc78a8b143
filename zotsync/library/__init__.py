"""The I/O boundary to a Zotero library: transport policy (retries, waits) and the pyzotero-based client."""
