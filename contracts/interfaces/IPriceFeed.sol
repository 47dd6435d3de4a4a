// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Daily closing prices
/// @notice Closes per security (by its SecurityRegistry index) and day, published by a data
/// provider in batches. Storage is date-major and packed: one slot holds the closes of four
/// consecutive securities on one day (64 bits each, in units of 10^-DECIMALS of the security's
/// currency; zero means "no close"). A published close changes only by a correction, whose event
/// keeps the replaced value.
/// Ownership: a security's closes are published and corrected only by its provider, the
/// institution that registered it in the SecurityRegistry (its designated pricing source), through
/// any of that institution's operator keys, so that rotating keys keeps the data. Correction on a
/// provider's behalf by platform governance is left to the governance contract (next issue);
/// until it exists no other account, the platform operator included, can change a close.
interface IPriceFeed {
    /// @notice A correction of one published close.
    struct Correction {
        uint32 index;
        uint32 date;
        uint64 close;
        string reason;
    }

    /// @notice A date that is not a real calendar date from 1970-02-01 on.
    /// @param date The date given (yyyymmdd).
    error PriceFeedInvalidDate(uint32 date);
    /// @notice Closes of a day after the chain's today.
    /// @param date The date given (yyyymmdd).
    /// @param today The chain's date (yyyymmdd, UTC).
    error PriceFeedFutureDate(uint32 date, uint32 today);
    /// @notice A call with no words or corrections.
    error PriceFeedEmptyBatch();
    /// @notice Too many words or corrections in one call.
    /// @param size The number given.
    /// @param maxSize The most allowed (MAX_WORDS, or MAX_CORRECTIONS).
    error PriceFeedBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice A close of a security that is not registered (or index 0).
    /// @param index The security's index.
    error PriceFeedUnknownSecurity(uint32 index);
    /// @notice A close differing from the one already published: correct it instead.
    /// @param index The security's index.
    /// @param date The day (yyyymmdd).
    /// @param published The close published.
    /// @param offered The close offered.
    error PriceFeedAlreadyPublished(uint32 index, uint32 date, uint64 published, uint64 offered);
    /// @notice No close of the security on the day (or, looking back, within MAX_LOOKBACK_DAYS).
    /// @param index The security's index.
    /// @param date The day (yyyymmdd).
    error PriceFeedNoClose(uint32 index, uint32 date);
    /// @notice A correction to a close of zero (zero means "no close").
    /// @param index The security's index.
    /// @param date The day (yyyymmdd).
    error PriceFeedInvalidClose(uint32 index, uint32 date);
    /// @notice A correction to the close already published.
    /// @param index The security's index.
    /// @param date The day (yyyymmdd).
    error PriceFeedUnchanged(uint32 index, uint32 date);
    /// @notice A correction without a reason.
    /// @param index The security's index.
    /// @param date The day (yyyymmdd).
    error PriceFeedReasonRequired(uint32 index, uint32 date);
    /// @notice `account` holds DATA_PROVIDER but acts for no institution, so it owns no closes.
    /// @param account The caller.
    error PriceFeedNoInstitution(address account);
    /// @notice A close of a security another institution provides was offered or corrected.
    /// @param index The security's index.
    /// @param date The day, yyyymmdd.
    /// @param provider The security's provider (LEI), who alone publishes and corrects its closes.
    /// @param caller The caller's institution (LEI).
    error PriceFeedNotProvider(uint32 index, uint32 date, bytes20 provider, bytes20 caller);

    /// @notice Closes of `date` were published into `wordCount` slots from `firstWord` (slot w
    /// holds securities 4w+1 .. 4w+4); the values are in storage, see {closeWords}.
    /// @param date The day (yyyymmdd).
    /// @param firstWord The first slot written.
    /// @param wordCount How many slots from `firstWord` the call carried.
    /// @param provider The data provider's account.
    event ClosesPublished(uint32 indexed date, uint32 firstWord, uint32 wordCount, address indexed provider);

    /// @notice A published close was replaced; `previous` is the value it replaced.
    /// @param index The security's index.
    /// @param date The day (yyyymmdd).
    /// @param previous The close replaced.
    /// @param close The close now.
    /// @param reason Why.
    /// @param provider The data provider's account.
    event CloseCorrected(
        uint32 indexed index, uint32 indexed date, uint64 previous, uint64 close, string reason, address provider
    );

    /// @notice Publish closes of one day (a data provider). Each word packs four closes, lane k
    /// (bits 64k .. 64k+63) being security 4w+k+1; a zero lane publishes nothing. A lane equal to
    /// the published close is accepted unchanged (so a resumed upload is harmless); a different
    /// one reverts: use {correctCloses}. Every non-zero lane must be a security the caller's
    /// institution provides, else {PriceFeedNotProvider}.
    /// @param date The trading day, yyyymmdd, not after today (UTC).
    /// @param firstWord The slot of words[0].
    /// @param words At most MAX_WORDS packed words.
    function publishCloses(uint32 date, uint32 firstWord, uint256[] calldata words) external;

    /// @notice Replace published closes (a data provider), each with a reason; each emits
    /// {CloseCorrected} with the replaced value. Only the security's provider corrects its closes
    /// ({PriceFeedNotProvider}); governance will be able to as well (next issue).
    /// @param corrections At most MAX_CORRECTIONS corrections.
    function correctCloses(Correction[] calldata corrections) external;

    /// @notice The close of a security on a day.
    /// @param index The security's index.
    /// @param date The day, yyyymmdd.
    /// @return The close; reverts {PriceFeedNoClose} when there is none.
    function closeOf(uint32 index, uint32 date) external view returns (uint64);

    /// @notice The latest close of a security on or before a day, looking back at most
    /// MAX_LOOKBACK_DAYS calendar days (weekends and holidays carry the last close forward).
    /// @param index The security's index.
    /// @param date The day, yyyymmdd.
    /// @return closeDate The day of the close found.
    /// @return close The close; reverts {PriceFeedNoClose} when none is found.
    function latestCloseOnOrBefore(uint32 index, uint32 date) external view returns (uint32 closeDate, uint64 close);

    /// @notice Packed words of one day, for readers and exports.
    /// @param date The day, yyyymmdd.
    /// @param firstWord The first slot.
    /// @param count How many slots (at most MAX_WORDS).
    /// @return words The packed words (zero lanes: no close).
    function closeWords(uint32 date, uint32 firstWord, uint32 count) external view returns (uint256[] memory words);
}
