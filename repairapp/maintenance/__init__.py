"""Preventive maintenance: plans, the visits the sweep generates from them, and the
inspection checklist a technician fills in at the machine (巡检)."""
