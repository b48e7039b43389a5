"""The records stage: reading the project's files strictly and modelling what they hold.

Loading (:mod:`.loader`), typed field declarations (:mod:`.fields`), the practice
record, the vocabularies and the volume manifests, body checks, and the problems
every check reports. Imports nothing from the later stages.
"""
