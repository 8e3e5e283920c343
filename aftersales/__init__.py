"""Aftersales (售后服务管理系统)."""
