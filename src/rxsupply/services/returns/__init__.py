"""Reverse distribution (issue 13, items 3 to 5): return policies and the classification of
every lot on hand (:mod:`.policies`, :mod:`.classifying`), the RCRA list and the waste streams
(:mod:`.hazardous`), return batches shipped through the ledger (:mod:`.batches`), credit
memos, their reconciliation and aging (:mod:`.memos`), and controlled-substance destruction
on a DEA Form 41 record (:mod:`.destructions`)."""

from rxsupply.services.returns.batches import (
    create_return_batch,
    eligible_keys,
    eligible_lots,
    find_batch,
    list_batches,
    manifest,
    pick_list,
    set_form_222,
    ship_return_batch,
)
from rxsupply.services.returns.classifying import (
    CONTRACT,
    ClassifiedLot,
    classification_totals,
    classify_lots,
)
from rxsupply.services.returns.destructions import destroy_controlled, list_destructions
from rxsupply.services.returns.hazardous import (
    add_hazardous_listing,
    change_hazardous_listing,
    list_hazardous_listings,
    remove_hazardous_listing,
)
from rxsupply.services.returns.memos import (
    MEMO_COLUMNS,
    MemoEntry,
    credit_aging,
    enter_credit_memo,
    import_credit_memo,
    reconcile_batch,
)
from rxsupply.services.returns.policies import (
    list_return_policies,
    remove_return_policy,
    set_product_storage,
    set_return_policy,
)
from rxsupply.services.returns.saleable import batch_identifiers

__all__ = [
    "CONTRACT",
    "MEMO_COLUMNS",
    "ClassifiedLot",
    "MemoEntry",
    "add_hazardous_listing",
    "batch_identifiers",
    "change_hazardous_listing",
    "classification_totals",
    "classify_lots",
    "create_return_batch",
    "credit_aging",
    "destroy_controlled",
    "eligible_keys",
    "eligible_lots",
    "enter_credit_memo",
    "find_batch",
    "import_credit_memo",
    "list_batches",
    "list_destructions",
    "list_hazardous_listings",
    "list_return_policies",
    "manifest",
    "pick_list",
    "reconcile_batch",
    "remove_hazardous_listing",
    "remove_return_policy",
    "set_form_222",
    "set_product_storage",
    "set_return_policy",
    "ship_return_batch",
]
