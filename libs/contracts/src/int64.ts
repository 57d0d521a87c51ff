// protobuf-es 2.9 ignores `jstype = JS_NUMBER`: int64 fields (amounts in minor units, Unix
// milliseconds) are `bigint` in the generated types. These two conversions are the checked way
// across that line, so that no amount silently becomes a float or loses digits.

/** A bigint (or int64 string) as a JS number; throws if it is not a safe integer. */
export function int64ToNumber(value: bigint | string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || BigInt(value) !== BigInt(n)) {
    throw new RangeError(`int64 ${String(value)} is outside the safe integer range of a JS number`);
  }
  return n;
}

/** A JS number as an int64 field value; throws on fractions, NaN and unsafe integers. */
export function numberToInt64(value: number): bigint {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${value} is not a safe integer and cannot be an int64 amount or time`);
  }
  return BigInt(value);
}
