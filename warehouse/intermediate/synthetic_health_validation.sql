/*
description: >
  How well the health score and its components foretold later losses on held-out synthetic programmes
  (docs/metrics.md, "Group health", "Evidence"): health_validation's rows averaged over three programmes
  of 200 groups × 30 months per precursor, seeds no test and no tuning used. health_validation publishes
  them beside the programme's own.
grain: one row per precursor, kind and figure
published: false
refresh: daily
key: [precursor, kind, figure]
columns:
  precursor:
    type: VARCHAR
    description: how much of a dropout showed before it happened (`peerpulse seed --precursor`)
    checks: [not_null, {accepted_values: [strong, weak, late, none]}]
  kind:
    type: VARCHAR
    description: as in health_validation
    checks: [not_null, {accepted_values: [component, score, tier]}]
  figure:
    type: VARCHAR
    description: as in health_validation
    checks: [not_null]
  weight:
    type: DOUBLE
    description: a component's weight
    checks: [{range: [0, 1]}]
  auc:
    type: DOUBLE
    description: the mean AUC over the three
    checks: [{range: [0, 1]}]
  auc_low:
    type: DOUBLE
    description: the mean of their 2.5th percentiles
    checks: [{range: [0, 1]}]
  auc_high:
    type: DOUBLE
    description: the mean of their 97.5th percentiles
    checks: [{range: [0, 1]}]
  group_months:
    type: BIGINT
    description: summed over the three
    checks: [not_null]
  with_losses:
    type: BIGINT
    description: summed over the three
    checks: [not_null]
  loss_rate:
    type: DOUBLE
    description: the mean loss rate
    checks: [{range: [0, 1]}]
  loss_rate_low:
    type: DOUBLE
    description: the mean of their 2.5th percentiles
    checks: [{range: [0, 1]}]
  loss_rate_high:
    type: DOUBLE
    description: the mean of their 97.5th percentiles
    checks: [{range: [0, 1]}]
notes: |
  Made by `.venv/bin/python tests/benchmarks/insight_evaluation.py --sql`.
*/
SELECT
    precursor, kind, figure, weight::DOUBLE AS weight, auc::DOUBLE AS auc, auc_low::DOUBLE AS auc_low,
    auc_high::DOUBLE AS auc_high, group_months::BIGINT AS group_months, with_losses::BIGINT AS with_losses,
    loss_rate::DOUBLE AS loss_rate, loss_rate_low::DOUBLE AS loss_rate_low, loss_rate_high::DOUBLE AS loss_rate_high
FROM (VALUES
    ('strong', 'component', 'airtime_balance', 0.1000, 0.5528, 0.5145, 0.5907, 9278, 1412, 0.1521, 0.1267, 0.1794),
    ('strong', 'component', 'attendance', 0.4000, 0.5751, 0.5409, 0.6111, 10311, 1590, 0.1541, 0.1282, 0.1817),
    ('strong', 'component', 'follow_through', 0.1000, 0.5759, 0.5428, 0.6099, 9846, 1432, 0.1453, 0.1195, 0.1729),
    ('strong', 'component', 'rating', 0.4000, 0.5820, 0.5315, 0.6321, 10311, 1590, 0.1541, 0.1282, 0.1817),
    ('strong', 'component', 'retention', 0.0000, 0.5643, 0.4910, 0.6330, 4851, 613, 0.1261, 0.0932, 0.1593),
    ('strong', 'score', 'health_score', NULL, 0.6027, 0.5607, 0.6450, 10311, 1590, 0.1541, 0.1282, 0.1817),
    ('strong', 'tier', 'at_risk', NULL, NULL, NULL, NULL, 2069, 388, 0.1876, 0.1446, 0.2308),
    ('strong', 'tier', 'fit', NULL, NULL, NULL, NULL, 4262, 648, 0.1517, 0.1229, 0.1834),
    ('strong', 'tier', 'healthy', NULL, NULL, NULL, NULL, 2942, 297, 0.1009, 0.0751, 0.1299),
    ('strong', 'tier', 'high_risk', NULL, NULL, NULL, NULL, 1038, 257, 0.2413, 0.1680, 0.3205),
    ('weak', 'component', 'airtime_balance', 0.1000, 0.5117, 0.4728, 0.5507, 9291, 1216, 0.1310, 0.1086, 0.1556),
    ('weak', 'component', 'attendance', 0.4000, 0.5185, 0.4840, 0.5547, 10311, 1338, 0.1299, 0.1083, 0.1533),
    ('weak', 'component', 'follow_through', 0.1000, 0.5102, 0.4743, 0.5463, 9852, 1215, 0.1234, 0.1016, 0.1455),
    ('weak', 'component', 'rating', 0.4000, 0.5087, 0.4572, 0.5597, 10311, 1338, 0.1299, 0.1083, 0.1533),
    ('weak', 'component', 'retention', 0.0000, 0.5087, 0.4374, 0.5831, 4849, 555, 0.1144, 0.0858, 0.1470),
    ('weak', 'score', 'health_score', NULL, 0.5162, 0.4707, 0.5629, 10311, 1338, 0.1299, 0.1083, 0.1533),
    ('weak', 'tier', 'at_risk', NULL, NULL, NULL, NULL, 1992, 259, 0.1310, 0.0938, 0.1699),
    ('weak', 'tier', 'fit', NULL, NULL, NULL, NULL, 4264, 559, 0.1315, 0.1050, 0.1605),
    ('weak', 'tier', 'healthy', NULL, NULL, NULL, NULL, 3158, 387, 0.1226, 0.0944, 0.1543),
    ('weak', 'tier', 'high_risk', NULL, NULL, NULL, NULL, 897, 133, 0.1487, 0.0958, 0.2094),
    ('late', 'component', 'airtime_balance', 0.1000, 0.4771, 0.4358, 0.5177, 9223, 966, 0.1049, 0.0853, 0.1262),
    ('late', 'component', 'attendance', 0.4000, 0.4766, 0.4387, 0.5161, 10311, 1076, 0.1045, 0.0846, 0.1254),
    ('late', 'component', 'follow_through', 0.1000, 0.4895, 0.4518, 0.5280, 9853, 1011, 0.1028, 0.0821, 0.1249),
    ('late', 'component', 'rating', 0.4000, 0.4643, 0.4075, 0.5195, 10311, 1076, 0.1045, 0.0846, 0.1254),
    ('late', 'component', 'retention', 0.0000, 0.5321, 0.4475, 0.6125, 4851, 490, 0.1012, 0.0740, 0.1307),
    ('late', 'score', 'health_score', NULL, 0.4626, 0.4114, 0.5100, 10311, 1076, 0.1045, 0.0846, 0.1254),
    ('late', 'tier', 'at_risk', NULL, NULL, NULL, NULL, 1973, 183, 0.0925, 0.0627, 0.1248),
    ('late', 'tier', 'fit', NULL, NULL, NULL, NULL, 4266, 443, 0.1043, 0.0802, 0.1300),
    ('late', 'tier', 'healthy', NULL, NULL, NULL, NULL, 3187, 378, 0.1186, 0.0878, 0.1515),
    ('late', 'tier', 'high_risk', NULL, NULL, NULL, NULL, 885, 72, 0.0824, 0.0466, 0.1258),
    ('none', 'component', 'airtime_balance', 0.1000, 0.4964, 0.4577, 0.5378, 9236, 1057, 0.1143, 0.0934, 0.1348),
    ('none', 'component', 'attendance', 0.4000, 0.5048, 0.4655, 0.5447, 10311, 1174, 0.1137, 0.0939, 0.1338),
    ('none', 'component', 'follow_through', 0.1000, 0.5072, 0.4706, 0.5423, 9852, 1112, 0.1127, 0.0921, 0.1341),
    ('none', 'component', 'rating', 0.4000, 0.5004, 0.4466, 0.5495, 10311, 1174, 0.1137, 0.0939, 0.1338),
    ('none', 'component', 'retention', 0.0000, 0.4339, 0.3598, 0.5086, 4850, 526, 0.1084, 0.0810, 0.1377),
    ('none', 'score', 'health_score', NULL, 0.5068, 0.4591, 0.5522, 10311, 1174, 0.1137, 0.0939, 0.1338),
    ('none', 'tier', 'at_risk', NULL, NULL, NULL, NULL, 1949, 238, 0.1221, 0.0882, 0.1586),
    ('none', 'tier', 'fit', NULL, NULL, NULL, NULL, 4412, 509, 0.1154, 0.0903, 0.1424),
    ('none', 'tier', 'healthy', NULL, NULL, NULL, NULL, 3152, 342, 0.1082, 0.0789, 0.1384),
    ('none', 'tier', 'high_risk', NULL, NULL, NULL, NULL, 798, 85, 0.1086, 0.0620, 0.1578)
) AS evidence(
    precursor, kind, figure, weight, auc, auc_low, auc_high, group_months, with_losses, loss_rate, loss_rate_low,
    loss_rate_high
)
