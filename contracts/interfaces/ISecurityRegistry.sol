// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title The security master
/// @notice Securities by ISIN, each with a serial index (the key of price data), its market and
/// currency. The ISIN and the local code are linked in the shared CodeRegistry, as fund codes are.
/// Each security has a provider: the institution (LEI) of the data provider that registered it,
/// its designated pricing source, which alone publishes and corrects its closes in the PriceFeed.
/// Providers are also numbered (1, 2, ... in order of their first registration) so that the
/// PriceFeed can check a whole batch of closes against a few packed slots of provider numbers.
interface ISecurityRegistry {
    /// @notice A security to register; the name and local code travel in the event.
    struct SecurityInput {
        bytes12 isin;
        bytes8 localCode;
        bytes4 market;
        bytes3 currency;
        string name;
    }

    /// @notice A security as stored (one slot).
    struct Security {
        bytes12 isin;
        bytes4 market;
        bytes3 currency;
        uint32 index;
    }

    /// @notice An ISIN that is not well formed or whose check digit is wrong.
    /// @param isin The ISIN given.
    error SecurityRegistryInvalidIsin(bytes12 isin);
    /// @notice A security without its market (MIC).
    /// @param isin The security.
    /// @param market The market given (zero).
    error SecurityRegistryInvalidMarket(bytes12 isin, bytes4 market);
    /// @notice A security without its currency (ISO 4217, ASCII).
    /// @param isin The security.
    /// @param currency The currency given (zero).
    error SecurityRegistryInvalidCurrency(bytes12 isin, bytes3 currency);
    /// @notice A security without a name.
    /// @param isin The security.
    error SecurityRegistryNameMissing(bytes12 isin);
    /// @notice No security has this ISIN.
    /// @param isin The ISIN.
    error SecurityRegistryUnknownSecurity(bytes12 isin);
    /// @notice No security has this index.
    /// @param index The index.
    error SecurityRegistryUnknownIndex(uint32 index);
    /// @notice Too many securities (or provider slots) in one call.
    /// @param size The number given.
    /// @param maxSize The most allowed (MAX_BATCH, or MAX_PROVIDER_SLOTS).
    error SecurityRegistryBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice `account` holds DATA_PROVIDER but acts for no institution, so it cannot own
    /// securities (ownership is by institution, so that rotating keys keeps it).
    /// @param account The caller.
    error SecurityRegistryNoInstitution(address account);
    /// @notice The ISIN is in the master already (even when its code was freed in the CodeRegistry).
    /// @param isin The ISIN.
    /// @param index The security's index.
    error SecurityRegistryAlreadyRegistered(bytes12 isin, uint32 index);

    /// @notice A security was registered.
    /// @param index Its serial index (1-based), the key of its closes.
    /// @param isin Its ISIN.
    /// @param localCode Its local code (zero when none).
    /// @param market Its market (MIC).
    /// @param currency Its currency.
    /// @param name Its name.
    /// @param provider The registering institution (LEI): its pricing source.
    event SecurityRegistered(
        uint32 indexed index,
        bytes12 indexed isin,
        bytes8 localCode,
        bytes4 market,
        bytes3 currency,
        string name,
        bytes20 provider
    );

    /// @notice Register securities (a data provider acting for an active data-provider
    /// institution, which becomes their provider); an ISIN in the master, or an ISIN or local code
    /// linked in the CodeRegistry (to another security or to a fund), reverts.
    /// @param inputs At most MAX_BATCH securities.
    function registerSecurities(SecurityInput[] calldata inputs) external;

    /// @notice A security by ISIN.
    /// @param isin The ISIN.
    /// @return The stored security; reverts when unknown.
    function getSecurity(bytes12 isin) external view returns (Security memory);

    /// @notice A security by its serial index.
    /// @param index The index (1-based).
    /// @return The stored security; reverts when unknown.
    function securityAt(uint32 index) external view returns (Security memory);

    /// @notice How many securities are registered (the last index).
    /// @return The count.
    function securityCount() external view returns (uint256);

    /// @notice The provider of a security: the institution that registered it.
    /// @param index The index (1-based).
    /// @return The provider's LEI; reverts when the index is unknown.
    function providerOf(uint32 index) external view returns (bytes20);

    /// @notice The number of a provider (see {providerSlots}).
    /// @param lei The institution.
    /// @return Its number, or zero when it registered no security.
    function providerNumberOf(bytes20 lei) external view returns (uint32);

    /// @notice Provider numbers in packed slots: slot s holds securities 8s+1 .. 8s+8, lane k
    /// (bits 32k .. 32k+31) being security 8s+k+1 (zero: not registered).
    /// @param firstSlot The first slot.
    /// @param count How many slots (at most MAX_PROVIDER_SLOTS).
    /// @return slots The packed slots.
    function providerSlots(uint32 firstSlot, uint32 count) external view returns (uint256[] memory slots);
}
