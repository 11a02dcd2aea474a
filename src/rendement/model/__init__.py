"""The model's life cycle: specification, estimation, storage, versions and description.

* :mod:`~rendement.model.spec` - the model specification and the encoding of
  client characteristics into model terms (the linear predictor's pieces);
* :mod:`~rendement.model.hazard_model` - :class:`HazardModel`: specification +
  parameters + covariance + catalogue (no data);
* :mod:`~rendement.model.fitting` - data folder -> person-month panel -> fitted model;
* :mod:`~rendement.model.expert` - models from declared parameters (expert) or
  another municipality's model (borrowed);
* :mod:`~rendement.model.folder` - a model as a self-describing folder (manifest,
  parameter tables, checksums);
* :mod:`~rendement.model.registry` - model versions per meter and the active one;
* :mod:`~rendement.model.compare` - two models side by side on the same caseload;
* :mod:`~rendement.model.card` - the Dutch model card for the Algoritmeregister.
"""
