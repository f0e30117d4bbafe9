"""SHACL validation: one entry point, `validate`, for the build gate, data stewards and the
catalogue gate. The compiled engine (`compiled/`) validates what it compiles, pyshacl the rest;
the `Outcome` is the same whichever did. Around it: the profiles, reading a steward's input
and own shapes, reading the report, its renderings, the validation process of /validate, and
the shape summaries a steward reads."""
from publisher.shacl.errors import InputTooLarge, UnreadableInput
from publisher.shacl.graphs import to_rdflib
from publisher.shacl.inputs import (INPUT_FORMATS, InputFormat, ParsedInput, ReadLimits,
                                    data_graph, format_for_media_type, format_for_name,
                                    input_format, parse_bytes, read_path, sniff, sniff_data)
from publisher.shacl.messages import LANGUAGES, SEVERITIES, input_text, severity_names
from publisher.shacl.outcome import Outcome, Result
from publisher.shacl.process import run_job, worker_main
from publisher.shacl.profiles import (Profile, check_profiles, default_profile,
                                      drop_dangling_property_shapes, load_profiles,
                                      ontology_graph, profile_shapes, profiles_text,
                                      shapes_graph)
from publisher.shacl.render import REPORT_TEMPLATES, counts_line, report_context, report_html
from publisher.shacl.report import path_text, report_results, shape_name
from publisher.shacl.sources import source_lines
from publisher.shacl.stewards import ValidationRequest, validate_files, validate_request
from publisher.shacl.summaries import shape_summaries, shapes_page
from publisher.shacl.validator import validate
from publisher.shacl.visible import visible

__all__ = [
    "INPUT_FORMATS", "LANGUAGES", "REPORT_TEMPLATES", "SEVERITIES", "InputFormat", "InputTooLarge",
    "Outcome", "ParsedInput", "Profile", "ReadLimits", "Result", "UnreadableInput",
    "ValidationRequest", "check_profiles", "counts_line", "data_graph", "default_profile",
    "drop_dangling_property_shapes", "format_for_media_type", "format_for_name", "input_format",
    "input_text", "sniff_data", "visible",
    "load_profiles", "ontology_graph", "parse_bytes", "path_text", "profile_shapes",
    "profiles_text", "read_path", "report_context", "report_html", "report_results", "run_job",
    "severity_names", "shape_name", "shape_summaries", "shapes_graph", "shapes_page", "sniff",
    "source_lines", "to_rdflib", "validate", "validate_files", "validate_request", "worker_main",
]
