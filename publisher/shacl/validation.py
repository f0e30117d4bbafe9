"""Temporary: the names publisher/web and publisher/cli.py imported from here before
publisher.shacl was split into modules, handed on unchanged until the web layer (being
regrouped) imports them from `publisher.shacl`. Then this module goes."""
from publisher.shacl import (INPUT_FORMATS, LANGUAGES, ReadLimits, UnreadableInput,
                             default_profile, format_for_media_type, format_for_name,
                             load_profiles, profile_shapes, profiles_text, report_context, sniff,
                             validate_files, worker_main)

__all__ = ["INPUT_FORMATS", "LANGUAGES", "ReadLimits", "UnreadableInput", "default_profile",
           "format_for_media_type", "format_for_name", "load_profiles", "profile_shapes",
           "profiles_text", "report_context", "sniff", "validate_files", "worker_main"]
