"""The Smart Hospital themes a forum starts with; organisers edit the list afterwards."""

DEFAULT_THEMES = [
    ("patient_experience", "Patient experience", "病人體驗"),
    ("clinical_workflow", "Clinical workflow", "臨床工作流程"),
    ("facility_asset", "Facility and asset management", "設施及資產管理"),
    ("logistics_supply", "Logistics and supply chain", "物流及供應鏈"),
    ("infection_control", "Infection control", "感染控制"),
    ("data_ai", "Data and AI", "數據及人工智能"),
    ("resilience", "Resilience", "韌性"),
]
