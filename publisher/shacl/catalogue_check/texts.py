"""The texts of the catalogue check, by code: why a URL has no complete answer, why it was not
checked, and each finding. Marked here, translated where a report is written in a language."""
from __future__ import annotations

from typing import Any

from publisher.i18n import N_, translate

#: why a URL gave no (complete) answer; `setting` names the bound that cut it
PROBLEMS = {
    "refused_scheme": N_("redirected to %(target)s: only http and https URLs are followed"),
    "redirect_off": N_("redirected to %(target)s, a host that is asked only with "
                       "--allow-network"),
    "too_many_redirects": N_("more than %(limit)s redirects (%(setting)s)"),
    "timeout": N_("no complete answer within %(seconds)s s (%(setting)s)"),
    "run_time_limit": N_("the time limit of the whole check, %(seconds)s s, was reached first "
                         "(%(setting)s)"),
    "too_large": N_("more than %(limit)s bytes: reading stopped there (%(setting)s)"),
    "too_large_announced": N_("announces %(length)s bytes, more than the %(limit)s read "
                              "(%(setting)s)"),
    "connection": N_("the connection failed: %(detail)s"),
    "http": N_("not a valid HTTP answer (%(detail)s)"),
    "cut_short": N_("the answer ended after %(size)s of %(length)s bytes"),
    "invalid_url": N_("not a usable URL: %(detail)s"),
    "no_length": N_("the server gives no length without the whole download"),
}
#: why a URL was not checked
SKIPS = {
    "network_off": N_("not checked: network access is off (allow it with --allow-network)"),
    "web_offline": N_("not checked: the check on the web fetches nothing from other hosts "
                      "(publisher check-catalogue --allow-network does)"),
    "own_page": N_("not checked: a page of this service, not one of the release's files "
                   "(publisher check-catalogue --server URL checks it against a running "
                   "server)"),
    "scheme": N_("not checked: a %(scheme)s URL, not http or https"),
}
#: the findings ("not_checked" says its reason alone)
FINDINGS = {
    "status": N_("answers HTTP %(status)s"),
    "unreachable": N_("cannot be read: %(reason)s"),
    "media_type": N_("served as %(served)s; the catalogue declares %(declared)s"),
    "byte_size": N_("has %(found)s bytes; dcat:byteSize says %(declared)s"),
    "byte_size_invalid": N_("dcat:byteSize %(declared)s is not a number of bytes"),
    "byte_size_unchecked": N_("size not checked: %(reason)s"),
    "checksum": N_("its %(algorithm)s checksum is %(found)s; the catalogue says %(declared)s"),
    "checksum_unchecked": N_("checksum not checked: %(reason)s"),
    "checksum_algorithm": N_("the checksum algorithm %(algorithm)s cannot be checked (sha256, "
                             "sha1 and md5 can)"),
    "licence": N_("the licence %(licence)s is not in the EU licence table"),
    "licence_text": N_("the licence is a text, not an IRI: %(licence)s"),
}
ROLES = {"access": N_("access URL"), "download": N_("download URL"), "licence": N_("licence")}
#: what answered for a URL
VIA = {"network": N_("the network"), "loopback": N_("loopback"),
       "server": N_("the running server"), "release": N_("the release's files"),
       "none": N_("nothing: not checked")}


def reason_text(lang: str, code: str, values: dict[str, Any]) -> str:
    """A problem or a reason for not checking, in `lang`."""
    msgid = PROBLEMS.get(code) or SKIPS.get(code)
    if msgid is None:
        return code
    return translate(lang, msgid, **values)
