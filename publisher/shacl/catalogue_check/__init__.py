"""A harvester's preflight for any DCAT catalogue (`publisher check-catalogue`, and the
catalogue-check profile of /validate): the catalogue read within bounds (`source`), what it
declares (`declared`), every access and download URL asked once within bounds (`fetching`,
`urls`; our own URLs from the release's files, `own`), what they gave against what it declares
(`checks`, `texts`), the DCAT-AP profiles (`shapes`), the MQA score (`quality`), all in one
report (`run`) rendered as text, HTML or JSON (`report`); `job` runs it in a validation process
for the web."""
from publisher.shacl.catalogue_check.report import render, report_fragment
from publisher.shacl.catalogue_check.run import (CatalogueReport, CheckOptions, check_catalogue,
                                                 check_parsed)
from publisher.shacl.catalogue_check.shapes import CHECK_PROFILE
from publisher.shacl.catalogue_check.urls import Access
from publisher.shacl.catalogue_check.own import OwnSite

__all__ = ["CHECK_PROFILE", "Access", "CatalogueReport", "CheckOptions", "OwnSite",
           "check_catalogue", "check_parsed", "render", "report_fragment"]
