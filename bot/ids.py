"""Action and callback ids shared by the message builders and the listeners."""

from enum import StrEnum


class Action(StrEnum):
    TAKE_OWNERSHIP = "process_take_ownership"
    MARK_AUTOMATED = "process_mark_automated"
    SPLIT_REPORT = "report_split"
    UNDO_REPORT = "report_undo"
    AUTOMATING = "nudge_automating"
    NOT_WORTH = "nudge_not_worth"
    SNOOZE = "nudge_snooze"
    NOT_MINE = "nudge_not_mine"
    DONE_YET = "followup_done"
    STILL_WORKING = "followup_still_working"
    HOME_REFRESH = "home_refresh"
    RUN_SUGGESTED = "command_run_suggested"
    FORGET = "person_forget"
    FORGET_CANCEL = "person_forget_cancel"
    SAME_PROCESS = "match_same_process"
    NEW_PROCESS = "match_new_process"
    WRITE_STEPS = "process_write_steps"


class Callback(StrEnum):
    REPORT = "report_modal"
    RETIRE = "retire_modal"
    NOT_WORTH = "not_worth_modal"
    REASSIGN = "reassign_modal"
    CONFIG = "config_modal"
    STEPS = "steps_modal"
    EFFORT = "effort_modal"


class Shortcut(StrEnum):
    """The shortcuts declared in manifest.yml (their callback ids)."""

    LOG_MESSAGE = "log_as_manual_work"  # on a message: "Log as manual work"
    REPORT = "report_manual_work"  # the ⚡ menu: "Report manual work"


class Step(StrEnum):
    """The Workflow Builder steps declared in manifest.yml `functions` (their callback ids)."""

    LOG = "log_manual_work"
    COST = "get_process_cost"


# Input block ids inside the modals (block_id == action_id for simplicity).
class Field(StrEnum):
    WHAT = "what"
    HOW_LONG = "how_long"
    HOW_OFTEN = "how_often"
    NOTES = "notes"
    LINK = "link"
    HOW = "how"
    REASON = "reason"
    REASON_NOTE = "reason_note"
    NEW_OWNER = "new_owner"
    HOURLY_RATE = "hourly_rate"
    CURRENCY = "currency"
    NUDGE_THRESHOLD = "nudge_threshold"
    WORK_START = "work_start"
    WORK_END = "work_end"
    WORK_DAYS = "work_days"
    TIMEZONE = "timezone"
    WHO = "who"  # the report form from a shortcut: who did it
    CHANNEL = "channel"  # …and, from the ⚡ menu, which channel's work it is
    STEPS = "steps"
    EFFORT = "effort"
    ACTUAL_HOURS = "actual_hours"
