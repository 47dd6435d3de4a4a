// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICodeRegistry} from "./interfaces/ICodeRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {ISecurityRegistry} from "./interfaces/ISecurityRegistry.sol";
import {Isin} from "./libraries/Isin.sol";
import {Roles} from "./libraries/Roles.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title SecurityRegistry
/// @notice The security master; see {ISecurityRegistry}. Data providers register; the ISIN and
/// the local code (namespace "LOCAL/<MIC>") are linked in the CodeRegistry, shared with funds.
contract SecurityRegistry is PlatformControlled, ISecurityRegistry {
    /// @notice Most securities one {registerSecurities} call takes.
    uint256 public constant MAX_BATCH = 256;
    /// @notice The namespace of ISINs in the CodeRegistry.
    bytes32 public constant ISIN_NAMESPACE = "ISIN";
    /// @notice Prefix of a market's local-code namespace: "LOCAL/" and the MIC.
    bytes6 public constant LOCAL_NAMESPACE_PREFIX = "LOCAL/";

    ICodeRegistry private immutable _codes;
    mapping(bytes12 isin => Security) private _byIsin;
    mapping(uint32 index => bytes12 isin) private _isinAt;
    uint32 private _count;

    /// @param access_ The deployed PlatformAccess.
    /// @param codes_ The deployed CodeRegistry (this contract needs CODE_REGISTRAR_ROLE there).
    constructor(IPlatformAccess access_, ICodeRegistry codes_) PlatformControlled(access_) {
        _codes = codes_;
    }

    /// @inheritdoc ISecurityRegistry
    function registerSecurities(SecurityInput[] calldata inputs) external onlyPlatformRole(Roles.DATA_PROVIDER) {
        if (inputs.length > MAX_BATCH) revert SecurityRegistryBatchTooLarge(inputs.length, MAX_BATCH);
        for (uint256 i = 0; i < inputs.length; ++i) {
            _register(inputs[i]);
        }
    }

    /// @inheritdoc ISecurityRegistry
    function getSecurity(bytes12 isin) external view returns (Security memory security) {
        security = _byIsin[isin];
        if (security.index == 0) revert SecurityRegistryUnknownSecurity(isin);
    }

    /// @inheritdoc ISecurityRegistry
    function securityAt(uint32 index) external view returns (Security memory) {
        bytes12 isin = _isinAt[index];
        if (isin == bytes12(0)) revert SecurityRegistryUnknownIndex(index);
        return _byIsin[isin];
    }

    /// @inheritdoc ISecurityRegistry
    function securityCount() external view returns (uint256) {
        return _count;
    }

    function _register(SecurityInput calldata input) private {
        bytes12 isin = input.isin;
        if (!Isin.isValid(bytes32(isin))) revert SecurityRegistryInvalidIsin(isin);
        if (input.market == bytes4(0)) revert SecurityRegistryInvalidSecurity(isin, "market");
        if (input.currency == bytes3(0)) revert SecurityRegistryInvalidSecurity(isin, "currency");
        if (bytes(input.name).length == 0) revert SecurityRegistryInvalidSecurity(isin, "name");
        uint32 index = ++_count;
        _byIsin[isin] = Security({isin: isin, market: input.market, currency: input.currency, index: index});
        _isinAt[index] = isin;
        emit SecurityRegistered(index, isin, input.localCode, input.market, input.currency, input.name);

        uint256 links = input.localCode == bytes8(0) ? 1 : 2;
        ICodeRegistry.Code[] memory codes = new ICodeRegistry.Code[](links);
        codes[0] = ICodeRegistry.Code({namespace: ISIN_NAMESPACE, value: bytes32(isin)});
        if (links == 2) {
            bytes32 namespace = bytes32(LOCAL_NAMESPACE_PREFIX) | (bytes32(input.market) >> 48);
            if (!_codes.isNamespace(namespace)) _codes.registerNamespace(namespace, false, "local securities codes");
            codes[1] = ICodeRegistry.Code({namespace: namespace, value: bytes32(input.localCode)});
        }
        _codes.linkAll(codes, ICodeRegistry.RecordKind.Security, bytes32(isin));
    }
}
