"""Capture: what a signed-in person's browser received, turned into interactions.

Instagram, TikTok and Facebook give no public API for who commented, liked or followed,
and X gives it only with a paid token; a person who browses those sites does see it. This
package reads what their browser received (a HAR file, a Zeeschuimer export, or a HAR that
``pantau capture`` records), recognises the platform responses it knows (one parser module
per platform under ``parsers/``), and hands the interactions on watched accounts to storage
with each response kept as evidence. It never sends a request to a platform itself.
"""
