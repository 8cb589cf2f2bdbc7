"""The layers of a check, one module each, each returning its ``LayerResult`` s:

* ``domain``: domain.yaml against each metadata module;
* ``models``: the two metadata modules;
* ``live``: each metadata module against its database, and the two databases;
* ``migrations``: each chain against its metadata, the chains together, each database's state.

``plan`` says what a run reads, ``sources`` reads each source once, ``pairs`` runs the comparer
and the evaluation stage on two sides; ``twinschema.check`` composes the layers into a report.
"""
