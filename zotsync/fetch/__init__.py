"""The read stage's network side: records fetched live from their sources.

A live source (a DOI, a Semantic Scholar paper, an OAI-PMH endpoint or record, a VuFind
record) is fetched through the same retry layer as the Zotero client, cached under the
state dir by the responses' validators, and handed to the parsers as documents, exactly
like a file: parse and fit never know where the text came from.
"""
