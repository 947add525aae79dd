/*
description: >
  What the dropout warning and its baselines did on held-out synthetic programmes, where the truth is
  known (docs/metrics.md, "Dropout risk", "Evidence"): the pooled rows of dropout_evaluation, averaged
  over three programmes of 200 groups × 30 months per precursor, seeds no test and no tuning used.
  dropout_evaluation publishes them beside the programme's own, so a lead whose programme has too little
  history sees what the method is worth where there is something to find, and where there is nothing.
grain: one row per precursor and model
published: false
refresh: daily
key: [precursor, model]
columns:
  precursor:
    type: VARCHAR
    description: how much of a dropout showed before it happened (`peerpulse seed --precursor`)
    checks: [not_null, {accepted_values: [strong, weak, late, none]}]
  model:
    type: VARCHAR
    description: as in dropout_evaluation
    checks: [not_null]
  auc:
    type: DOUBLE
    description: the mean of the three programmes' pooled AUC
    checks: [{range: [0, 1]}]
  auc_low:
    type: DOUBLE
    description: the mean of their 2.5th percentiles (a typical programme's interval, not the mean's)
    checks: [{range: [0, 1]}]
  auc_high:
    type: DOUBLE
    description: the mean of their 97.5th percentiles
    checks: [{range: [0, 1]}]
  auc_gain:
    type: DOUBLE
    description: the mean gain over the best baseline
    checks: [{range: [-1, 1]}]
  auc_gain_low:
    type: DOUBLE
    description: the mean of the gain's 2.5th percentiles
    checks: [{range: [-1, 1]}]
  auc_gain_high:
    type: DOUBLE
    description: the mean of the gain's 97.5th percentiles
    checks: [{range: [-1, 1]}]
  spells:
    type: BIGINT
    description: spells scored, summed over the three
    checks: [not_null]
  dropouts:
    type: BIGINT
    description: dropouts judged, summed over the three
    checks: [not_null]
  removals:
    type: BIGINT
    description: removals kept apart, summed over the three
    checks: [not_null]
  recall_30d:
    type: DOUBLE
    description: the mean recall
    checks: [{range: [0, 1]}]
  alerts_per_facilitator_month:
    type: DOUBLE
    description: the mean alerts per facilitator-month
    checks: [{range: [0, null]}]
  in_use:
    type: BOOLEAN
    description: the product used this score in most of the three
    checks: [not_null]
  compared_with:
    type: VARCHAR
    description: the best baseline in most of the three
notes: |
  Made by `.venv/bin/python tests/benchmarks/insight_evaluation.py --sql` (it prints these rows); the
  figures change only when the definitions or the generator do, and the command is run again.
*/
SELECT
    precursor, model, auc::DOUBLE AS auc, auc_low::DOUBLE AS auc_low, auc_high::DOUBLE AS auc_high,
    auc_gain::DOUBLE AS auc_gain, auc_gain_low::DOUBLE AS auc_gain_low, auc_gain_high::DOUBLE AS auc_gain_high,
    spells::BIGINT AS spells, dropouts::BIGINT AS dropouts, removals::BIGINT AS removals,
    recall_30d::DOUBLE AS recall_30d, alerts_per_facilitator_month::DOUBLE AS alerts_per_facilitator_month,
    in_use, compared_with::VARCHAR AS compared_with
FROM (VALUES
    ('strong', 'absence_rate_last_6', 0.6357, 0.5926, 0.6745, -0.0579, -0.1101, -0.0095, 6465, 526, 88, 0.1263, 0.5036, false, 'rating_last_3'),
    ('strong', 'dropout_model', 0.7345, 0.6909, 0.7753, 0.0409, 0.0132, 0.0683, 6465, 526, 88, 0.4199, 0.9757, true, 'rating_last_3'),
    ('strong', 'missed_last_2', 0.6221, 0.5861, 0.6590, -0.0715, -0.1206, -0.0225, 6465, 526, 88, 0.2642, 0.5486, false, 'rating_last_3'),
    ('strong', 'rating_last_3', 0.6936, 0.6517, 0.7333, 0.0000, 0.0000, 0.0000, 6465, 526, 88, 0.3435, 1.1180, false, 'rating_last_3'),
    ('strong', 'rules_v1', 0.5825, 0.5491, 0.6160, -0.1111, -0.1585, -0.0637, 6465, 526, 88, 0.2881, 0.6090, false, 'rating_last_3'),
    ('weak', 'absence_rate_last_6', 0.5180, 0.4772, 0.5561, -0.0274, -0.0840, 0.0270, 6531, 516, 96, 0.0000, 0.0000, false, 'rating_last_3'),
    ('weak', 'dropout_model', 0.5631, 0.5202, 0.6068, 0.0177, -0.0213, 0.0573, 6531, 516, 96, 0.0051, 0.0705, true, 'rating_last_3'),
    ('weak', 'missed_last_2', 0.5151, 0.4843, 0.5466, -0.0303, -0.0853, 0.0241, 6531, 516, 96, 0.0000, 0.0000, false, 'rating_last_3'),
    ('weak', 'rating_last_3', 0.5454, 0.5002, 0.5925, 0.0000, 0.0000, 0.0000, 6531, 516, 96, 0.0000, 0.0000, false, 'rating_last_3'),
    ('weak', 'rules_v1', 0.5070, 0.4825, 0.5329, -0.0384, -0.0886, 0.0117, 6531, 516, 96, 0.0809, 0.5434, false, 'rating_last_3'),
    ('late', 'absence_rate_last_6', 0.4975, 0.4585, 0.5341, -0.0246, -0.0689, 0.0208, 6448, 515, 81, 0.0000, 0.0000, false, 'missed_last_2'),
    ('late', 'dropout_model', 0.5061, 0.4647, 0.5451, -0.0160, -0.0707, 0.0367, 6448, 515, 81, 0.0000, 0.0040, false, 'missed_last_2'),
    ('late', 'missed_last_2', 0.5177, 0.4891, 0.5434, -0.0044, -0.0244, 0.0160, 6448, 515, 81, 0.0000, 0.0000, true, 'missed_last_2'),
    ('late', 'rating_last_3', 0.5034, 0.4562, 0.5489, -0.0187, -0.0547, 0.0159, 6448, 515, 81, 0.0000, 0.0000, false, 'missed_last_2'),
    ('late', 'rules_v1', 0.5000, 0.4779, 0.5245, -0.0220, -0.0671, 0.0248, 6448, 515, 81, 0.0654, 0.5480, false, 'missed_last_2'),
    ('none', 'absence_rate_last_6', 0.5130, 0.4757, 0.5500, -0.0068, -0.0262, 0.0134, 6496, 517, 94, 0.0000, 0.0000, false, 'absence_rate_last_6'),
    ('none', 'dropout_model', 0.5261, 0.4830, 0.5714, 0.0062, -0.0380, 0.0517, 6496, 517, 94, 0.0000, 0.0000, true, 'absence_rate_last_6'),
    ('none', 'missed_last_2', 0.5097, 0.4817, 0.5377, -0.0101, -0.0292, 0.0087, 6496, 517, 94, 0.0000, 0.0000, false, 'absence_rate_last_6'),
    ('none', 'rating_last_3', 0.4990, 0.4576, 0.5417, -0.0208, -0.0752, 0.0361, 6496, 517, 94, 0.0000, 0.0000, false, 'absence_rate_last_6'),
    ('none', 'rules_v1', 0.4998, 0.4772, 0.5241, -0.0201, -0.0602, 0.0218, 6496, 517, 94, 0.0560, 0.5394, false, 'absence_rate_last_6')
) AS evidence(
    precursor, model, auc, auc_low, auc_high, auc_gain, auc_gain_low, auc_gain_high, spells, dropouts, removals,
    recall_30d, alerts_per_facilitator_month, in_use, compared_with
)
