"""Model quality: accuracy, precision, recall, F1, AUC-ROC and precision at k, each a
gauge in the metric's own scale (percent or ratio) that must stay above a threshold."""

from __future__ import annotations

from monogen.kinds.threshold import GaugeKind


class _Quality(GaugeKind):
    category = "model_performance"
    direction = "below"
    unit = "scaled"


class Accuracy(_Quality):
    key = metric = panel = "accuracy"
    alert = "ModelAccuracyDegraded"
    noun = "accuracy"
    defaults = (("warning", "75%", "5m"), ("critical", "50%", "2m"))


class Precision(_Quality):
    key = metric = panel = "precision"
    alert = "ModelPrecisionDegraded"
    noun = "precision"


class Recall(_Quality):
    key = metric = panel = "recall"
    alert = "ModelRecallDegraded"
    noun = "recall"


class F1Score(_Quality):
    key = "f1Score"
    metric = panel = "f1_score"
    alert = "ModelF1ScoreDegraded"
    noun = "F1 score"


class AucRoc(_Quality):
    key = "aucRoc"
    metric = panel = "auc_roc"
    alert = "ModelAucRocDegraded"
    noun = "AUC-ROC"


class PrecisionAtK(_Quality):
    key = "precisionAtK"
    metric = panel = "precision_at_k"
    alert = "FraudPrecisionAtKDegraded"
    noun = "precision at k"


# the quality gauges by spec key, and how text names each ("AUC-ROC", not "aucRoc")
QUALITY_KINDS = (Accuracy, Precision, Recall, F1Score, AucRoc, PrecisionAtK)
NOUNS = {kind.key: kind.noun for kind in QUALITY_KINDS}
