import { AppError, duplicateKeyName } from "@/lib/errors";

/**
 * A duplicate key met by a catalog write, as the error it means: the unique indexes decide
 * (spus_name_unique, skus_spu_name_idx, skus_code_idx), never a read before the write, so two
 * owners saving the same name at once get one success and one 409. Anything else is returned as is.
 */
export function catalogDuplicate(e: unknown, names: { product?: string; variant?: string; code?: string | null } = {}): unknown {
  switch (duplicateKeyName(e)) {
    case "spus_name_unique":
      return new AppError("PRODUCT_NAME_TAKEN", { message: names.product ? `There is already a product named “${names.product}”.` : undefined });
    case "skus_spu_name_idx":
      return new AppError("SKU_NAME_TAKEN", { message: names.variant ? `This product already has a variant named “${names.variant}”.` : undefined });
    case "skus_code_idx":
      return new AppError("SKU_CODE_TAKEN", { message: names.code ? `Another variant already has the SKU code “${names.code}”.` : undefined });
    default:
      return e;
  }
}
