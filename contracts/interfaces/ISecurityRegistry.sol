// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title The security master
/// @notice Securities by ISIN, each with a serial index (the key of price data), its market and
/// currency. The ISIN and the local code are linked in the shared CodeRegistry, as fund codes are.
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

    error SecurityRegistryInvalidIsin(bytes12 isin);
    error SecurityRegistryInvalidSecurity(bytes12 isin, string field);
    error SecurityRegistryUnknownSecurity(bytes12 isin);
    error SecurityRegistryUnknownIndex(uint32 index);
    error SecurityRegistryBatchTooLarge(uint256 size, uint256 maxSize);

    event SecurityRegistered(
        uint32 indexed index, bytes12 indexed isin, bytes8 localCode, bytes4 market, bytes3 currency, string name
    );

    /// @notice Register securities (a data provider); an ISIN or local code already linked reverts.
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
}
