"""Views of RDF for people, shared by the web pages and the release's documentation (so
neither has to import the other): labels and links in a language (`labels`, with the labels of
common external terms in `terms`), texts as paragraphs (`texts`), the vocabulary documented
(`vocabulary`), and the templates that render them (`render`). Imports no stage of the data
flow: only publisher.i18n and publisher.vocab."""
from publisher.docs.render import DOCS_TEMPLATES, docs_loader, vocabulary_html

__all__ = ["DOCS_TEMPLATES", "docs_loader", "vocabulary_html"]
