// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Market calendars
/// @notice The business days of each market, per year, as a 366-bit map (bit i: day i + 1 of the
/// year), published by the platform operator with a version. Contracts ask "is D a business day
/// in M" and "the Nth business day after D" without calling out.
interface IMarketCalendar {
    /// @notice One market-year as stored.
    struct CalendarYear {
        uint256 low;
        uint256 high;
        uint32 version;
    }

    /// @notice A market-year without its market (MIC).
    /// @param market The market given (zero).
    error MarketCalendarInvalidMarket(bytes4 market);
    /// @notice A year outside 1970 to 9999.
    /// @param year The year given.
    error MarketCalendarInvalidYear(uint16 year);
    /// @notice A bitmap with a day set beyond the year's last day.
    /// @param market The market.
    /// @param year The year.
    error MarketCalendarInvalidBitmap(bytes4 market, uint16 year);
    /// @notice A date that is not a yyyymmdd date.
    /// @param date The date given.
    error MarketCalendarInvalidDate(uint32 date);
    /// @notice The market's calendar of that year is not published: no business day is guessed.
    /// @param market The market.
    /// @param year The year.
    error MarketCalendarNotPublished(bytes4 market, uint16 year);
    /// @notice More business days asked for than {addBusinessDays} counts.
    /// @param count The number asked for.
    /// @param maxCount The most allowed (MAX_STEPS).
    error MarketCalendarTooFar(uint256 count, uint256 maxCount);
    /// @notice Too many market-years in one call.
    /// @param size The number given.
    /// @param maxSize The most allowed (MAX_BATCH).
    error MarketCalendarBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice The lists of one {publishYears} call differ in length.
    /// @param markets The number of markets.
    /// @param yearList The number of years.
    /// @param lows The number of low bitmaps.
    /// @param highs The number of high bitmaps.
    error MarketCalendarLengthMismatch(uint256 markets, uint256 yearList, uint256 lows, uint256 highs);

    /// @notice A market-year was published (version 1) or changed (a later version).
    /// @param market The market (MIC).
    /// @param year The year.
    /// @param version The version.
    /// @param low Bits of days 1-256 (bit i: day i + 1 of the year is a business day).
    /// @param high Bits of days 257-366.
    /// @param changedLow The bits of `low` that flipped from the previous version (all set bits
    /// when new).
    /// @param changedHigh The bits of `high` that flipped likewise.
    event CalendarPublished(
        bytes4 indexed market, uint16 indexed year, uint32 version, uint256 low, uint256 high,
        uint256 changedLow, uint256 changedHigh
    );

    /// @notice Publish or change market-years (the operator); an unchanged year is skipped.
    /// @param markets The markets (MIC, e.g. "XTKS").
    /// @param yearList The years.
    /// @param lows Bits of days 1-256 of each year.
    /// @param highs Bits of days 257-366 of each year.
    function publishYears(
        bytes4[] calldata markets,
        uint16[] calldata yearList,
        uint256[] calldata lows,
        uint256[] calldata highs
    ) external;

    /// @notice Whether `date` is a business day in `market`.
    /// @param market The market.
    /// @param date The date (yyyymmdd).
    /// @return True on a business day; reverts when the year is not published.
    function isBusinessDay(bytes4 market, uint32 date) external view returns (bool);

    /// @notice The `count`-th business day after `date` (0: `date` itself when a business day,
    /// else the next one).
    /// @param market The market.
    /// @param date The date (yyyymmdd).
    /// @param count How many business days after (at most MAX_STEPS).
    /// @return The business day (yyyymmdd).
    function addBusinessDays(bytes4 market, uint32 date, uint256 count) external view returns (uint32);

    /// @notice A market-year as stored.
    /// @param market The market.
    /// @param year The year.
    /// @return The bitmap and version (version 0 when not published).
    function getYear(bytes4 market, uint16 year) external view returns (CalendarYear memory);
}
